"""The allocation SQL alone (core/open_item → core/customer_balance → marts/ar_aging) on a
few hand-written core rows, then on random ledgers against a plain-Python reading of the
rule in docs/contracts.md."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import duckdb
import pytest

from kernel.connection import init_staging
from warehouse.sqlfiles import run_file

AS_OF = date(2026, 11, 28)
ZERO = Decimal("0.00")
BUCKETS = ("not_due", "1_30", "31_60", "61_90", "over_90")


def _core() -> duckdb.DuckDBPyConnection:
    """An in-memory database with empty core tables shaped like the build's."""
    con = duckdb.connect()
    init_staging(con)
    con.execute("create schema core")
    con.execute("create schema mart")
    con.execute(
        "create table core.source as select * from (values ('gl', 'fec', 'accounting', "
        "'full', 24), ('erp', 'odoo', 'erp', 'full', 24)) as s(name, system, role, extract, "
        "expected_frequency_hours)"
    )
    con.execute(
        "create table core.customer as select 'x'::varchar as customer_id, "
        "null::integer as payment_terms_days where false"
    )
    for table in ("receivable_item", "invoice"):
        con.execute(
            f"create table core.{table} as select null::varchar as customer_id, "
            f"* exclude (is_deleted) from staging.{table} where false"
        )
    return con


def _line(
    con: duckdb.DuckDBPyConnection,
    customer: str,
    ref: str,
    day: date,
    amount: str,
    *,
    due: date | None = None,
    lettering: str | None = None,
) -> None:
    con.execute(
        "insert into core.receivable_item (customer_id, source, source_id, customer_source_id, "
        "account, document_ref, document_date, posting_date, due_date, amount, lettering, "
        "_run_id) values (?, 'gl', ?, ?, '411000', ?, ?, ?, ?, ?, ?, 'r')",
        [customer, f"{customer}/{ref}/{amount}", customer, ref, day, day, due, amount, lettering],
    )


def _build(con: duckdb.DuckDBPyConnection) -> None:
    params = {"as_of": AS_OF, "default_terms_days": 30, "receivable_prefixes": ["411"]}
    # One receivable group per customer, as the matching passes would leave them.
    con.execute("create schema if not exists work")
    con.execute(
        "create or replace table work.receivable_group as "
        "select distinct source, customer_source_id as source_id, customer_id as group_id "
        "from (select source, customer_source_id, customer_id from core.receivable_item "
        "union all select source, customer_source_id, customer_id from core.invoice)"
    )
    for step in ("core/open_item", "core/customer_balance", "marts/ar_aging"):
        run_file(con, step, params)


def _balance(con: duckdb.DuckDBPyConnection, customer: str) -> dict[str, Any]:
    cur = con.execute("select * from core.customer_balance where customer_id = ?", [customer])
    names = [d[0] for d in cur.description or ()]
    row = cur.fetchone()
    assert row is not None
    return dict(zip(names, row, strict=True))


def test_hand_written_customers() -> None:
    con = _core()
    con.execute("insert into core.customer values ('A', 30), ('B', null), ('C', 30)")
    # A: the same-day tie is broken by document_ref: F1 is covered before F2.
    _line(con, "A", "F2", date(2026, 9, 1), "100.00", due=date(2026, 10, 1))
    _line(con, "A", "F1", date(2026, 9, 1), "100.00", due=date(2026, 10, 1))
    _line(con, "A", "F3", date(2026, 11, 1), "50.00")
    _line(con, "A", "P1", date(2026, 11, 2), "-150.00")
    # B: cash exactly equal to the debits: nothing owed, nothing in credit.
    _line(con, "B", "F1", date(2026, 1, 1), "80.00")
    _line(con, "B", "AV1", date(2026, 2, 1), "-80.00")
    # C: a partly lettered invoice (residual 70) and an overpaid group (residual −20).
    _line(con, "C", "F1", date(2026, 8, 1), "100.00", lettering="AA")
    _line(con, "C", "P1", date(2026, 8, 20), "-30.00", lettering="AA")
    _line(con, "C", "F2", date(2026, 9, 1), "40.00", lettering="AB")
    _line(con, "C", "P2", date(2026, 9, 2), "-60.00", lettering="AB")
    _build(con)

    items = con.execute(
        "select customer_id, document_ref, amount_open, amount_allocated, amount_remaining, "
        "days_overdue, aging_bucket, due_date_rule from core.open_item "
        "order by customer_id, document_date, document_ref"
    ).fetchall()
    d = Decimal
    assert items == [
        ("A", "F1", d("100.00"), d("100.00"), ZERO, 0, None, "document"),
        ("A", "F2", d("100.00"), d("50.00"), d("50.00"), 58, "31_60", "document"),
        ("A", "F3", d("50.00"), ZERO, d("50.00"), 0, "not_due", "payment_terms"),
        ("A", "P1", d("-150.00"), d("-150.00"), ZERO, 0, None, "payment_terms"),
        ("B", "F1", d("80.00"), d("80.00"), ZERO, 0, None, "default_terms"),
        ("B", "AV1", d("-80.00"), d("-80.00"), ZERO, 0, None, "default_terms"),
        ("C", "F1", d("70.00"), d("20.00"), d("50.00"), 89, "61_90", "payment_terms"),
        ("C", "F2", d("-20.00"), d("-20.00"), ZERO, 0, None, "payment_terms"),
    ]
    a, b, c = (_balance(con, x) for x in "ABC")
    assert (a["outstanding_amount"], a["overdue_amount"], a["oldest_overdue_days"]) == (
        d("100.00"),
        d("50.00"),
        58,
    )
    assert (a["unallocated_cash_amount"], a["credit_balance_amount"]) == (d("150.00"), ZERO)
    assert (a["aging_not_due_amount"], a["aging_31_60_amount"]) == (d("50.00"), d("50.00"))
    assert (b["outstanding_amount"], b["overdue_amount"], b["oldest_overdue_days"]) == (
        ZERO,
        ZERO,
        None,
    )
    assert (b["unallocated_cash_amount"], b["credit_balance_amount"]) == (d("80.00"), ZERO)
    assert (c["outstanding_amount"], c["overdue_amount"], c["aging_61_90_amount"]) == (
        d("50.00"),
        d("50.00"),
        d("50.00"),
    )
    assert con.execute("select count(*) from mart.ar_aging where customer_id = 'B'").fetchone() == (
        0,
    )


def test_erp_invoice_due_date_only_from_a_posted_invoice_of_the_same_customer() -> None:
    con = _core()
    con.execute("insert into core.customer values ('A', 60), ('B', 60)")
    _line(con, "A", "INV-1", date(2026, 9, 1), "100.00")
    _line(con, "A", "INV-2", date(2026, 9, 1), "100.00")
    _line(con, "A", "INV-3", date(2026, 9, 1), "100.00")
    _line(con, "B", "INV-9", date(2026, 9, 1), "100.00")
    for customer, number, status, due in [
        ("A", "INV-1", "posted", date(2026, 9, 11)),
        ("A", "INV-2", "draft", date(2026, 9, 12)),
        ("A", "INV-9", "posted", date(2026, 9, 13)),  # B's number, A's invoice
    ]:
        con.execute(
            "insert into core.invoice (customer_id, source, source_id, invoice_number, kind, "
            "status, issue_date, due_date, amount_open, _run_id) "
            "values (?, 'erp', ?, ?, 'invoice', ?, ?, ?, 0, 'r')",
            [customer, number, number, status, date(2026, 9, 1), due],
        )
    _build(con)
    rows = con.execute(
        "select customer_id, document_ref, due_date, due_date_rule, basis from core.open_item "
        "order by customer_id, document_ref"
    ).fetchall()
    terms = date(2026, 10, 31)
    assert rows == [
        ("A", "INV-1", date(2026, 9, 11), "erp_invoice", "ledger"),
        ("A", "INV-2", terms, "payment_terms", "ledger"),
        ("A", "INV-3", terms, "payment_terms", "ledger"),
        ("B", "INV-9", terms, "payment_terms", "ledger"),
    ]


def _reference(
    items: list[tuple[date, date, str, Decimal]],
) -> dict[str, Any]:
    """The rule as written: credits C cover debits by (document_date, due_date, ref)."""
    cash = -sum((a for *_, a in items if a < 0), ZERO)
    debits = sorted((i for i in items if i[3] > 0), key=lambda i: i[:3])
    before, overdue, oldest = ZERO, ZERO, None
    buckets = dict.fromkeys(BUCKETS, ZERO)
    for _doc, due, _ref, amount in debits:
        covered = min(amount, max(ZERO, cash - before))
        before += amount
        remaining = amount - covered
        if remaining <= 0:
            continue
        late = (AS_OF - due).days
        if late > 0:
            overdue += remaining
            oldest = max(oldest or 0, late)
        bucket = (
            "not_due"
            if late <= 0
            else "1_30"
            if late <= 30
            else "31_60"
            if late <= 60
            else "61_90"
            if late <= 90
            else "over_90"
        )
        buckets[bucket] += remaining
    credit = max(ZERO, cash - sum((i[3] for i in debits), ZERO))
    buckets["not_due"] -= credit
    return {
        "outstanding_amount": sum((i[3] for i in items), ZERO),
        "overdue_amount": overdue,
        "oldest_overdue_days": oldest,
        "unallocated_cash_amount": cash,
        "credit_balance_amount": credit,
        **{f"aging_{b}_amount": v for b, v in buckets.items()},
    }


@pytest.mark.parametrize("seed", range(5))
def test_random_ledgers_match_the_written_rule(seed: int) -> None:
    rng = random.Random(seed)
    con = _core()
    expected: dict[str, list[tuple[date, date, str, Decimal]]] = defaultdict(list)
    for n in range(40):
        customer = f"K{n:02d}"
        con.execute("insert into core.customer values (?, 30)", [customer])
        for _ in range(rng.randint(1, 12)):
            # Few dates and refs, so that ties on the ordering keys happen.
            day = AS_OF - timedelta(days=rng.choice([5, 20, 45, 75, 120, 200]))
            due = day + timedelta(days=rng.choice([0, 30, 60]))
            ref = rng.choice(["F1", "F2", "P1"])
            cents = rng.randint(1, 500_000) * (1 if rng.random() < 0.65 else -1)
            amount = Decimal(cents).scaleb(-2)
            _line(con, customer, ref, day, str(amount), due=due)
            expected[customer].append((day, due, ref, amount))
    _build(con)
    for customer, items in expected.items():
        got = _balance(con, customer)
        want = _reference(items)
        assert {k: got[k] for k in want} == want, customer
        assert ZERO <= got["overdue_amount"] <= max(got["outstanding_amount"], ZERO)
    aging = con.execute(
        "select customer_id, sum(amount) from mart.ar_aging group by customer_id"
    ).fetchall()
    for customer, amount in aging:
        assert amount == _reference(expected[customer])["outstanding_amount"]
