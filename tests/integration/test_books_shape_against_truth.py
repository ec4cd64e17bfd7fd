"""Issue 8's proof on a whole company kept the way small companies keep their books.

A demo company with one general account per customer (70 % embedding the customer code,
the others linked by name), 30 % of the year's payments and credit notes unlettered, no ERP
(a CRM and the books only), and its FEC re-saved with CR CR LF line endings (the
double-conversion artefact of real files). Built through the production pipeline, every
customer's outstanding, overdue, aging buckets and revenue must equal truth.json to the
cent, and every row of every file must be accounted for.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from demo_company import generate_demo
from demo_company.shape import Shape
from ingest.pipeline import ingest
from kernel.connection import connect
from kernel.settings import Settings, load_settings
from kernel.snapshots import current_snapshot
from warehouse.build import build
from warehouse.checks import run_checks

BUCKETS = ("not_due", "1_30", "31_60", "61_90", "over_90")
MONEY = (
    "outstanding_amount",
    "overdue_amount",
    *(f"aging_{b}_amount" for b in BUCKETS),
    "unallocated_cash_amount",
    "revenue_ytd_amount",
    "revenue_last_year_amount",
    "revenue_total_amount",
)


def _cr_cr_lf(path: Path) -> None:
    data = path.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\r\n")
    path.write_bytes(data)


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, dict[str, Any]]:
    root = tmp_path_factory.mktemp("books_shape")
    generate_demo(
        root, customers=150, seed=11, shape=Shape(ledger="per-account", unlettered=0.3, erp=False)
    )
    fec = next((root / "inbox").rglob("*FEC*.txt"))
    _cr_cr_lf(fec)
    settings = load_settings(root / "c360.toml")
    result = ingest(settings)
    assert result.ok, [o.message for o in result.refused]
    built = build(settings)
    assert built.published, built.message
    truth = json.loads((root / "truth.json").read_text(encoding="utf-8"))
    return settings, truth


def _snapshot(settings: Settings):  # type: ignore[no-untyped-def]
    path = current_snapshot(settings.snapshots_dir)
    assert path is not None
    return connect(path, read_only=True)


def test_the_shape_is_the_one_described(books: tuple[Settings, dict[str, Any]]) -> None:
    settings, _ = books
    assert {s.role for s in settings.sources} == {"crm", "accounting"}
    fec = next(s for s in settings.sources if s.role == "accounting")
    assert fec.account_code == "411(?P<code>.+)"
    assert fec.inbox is not None
    raw = next(fec.inbox.rglob("*FEC*.txt")).read_bytes()
    assert raw.count(b"\r\r\n") > 1000 and raw.count(b"\n") == raw.count(b"\r\r\n")


def test_every_row_accounted_for(books: tuple[Settings, dict[str, Any]]) -> None:
    settings, _ = books
    con = _snapshot(settings)
    runs = con.execute(
        "select source, file, object, status, rows_read, rows_loaded, rows_rejected, "
        "rows_skipped from meta.ingest_run"
    ).fetchall()
    assert runs
    assert all(r[3] == "loaded" for r in runs), runs
    for r in runs:
        assert r[4] == r[5] + r[6] + r[7], r
    fec_objects = {r[2] for r in runs if r[0] == "compta"}
    assert fec_objects == {"customer", "receivable_item", "ledger_line"}


def test_every_customer_equals_truth_to_the_cent(books: tuple[Settings, dict[str, Any]]) -> None:
    settings, truth = books
    con = _snapshot(settings)
    owner = {
        (s, i): c
        for s, i, c in con.execute(
            "select source, source_id, customer_id from core.customer_xref"
        ).fetchall()
    }
    columns = ", ".join(MONEY)
    mart = {
        r[0]: dict(zip(MONEY, r[1:], strict=True))
        for r in con.execute(f"select customer_id, {columns} from mart.customer_360").fetchall()
    }
    # Customers with a record somewhere (an ERP-only company has none without an ERP).
    customers = [c for c in truth["companies"] if c["customer_code"] and c["records"]]
    assert len(customers) > 100
    wrong = []
    for company in customers:
        ids = {owner.get((r["source"], r["source_id"])) for r in company["records"]}
        assert len(ids) == 1 and None not in ids, (company["company_key"], ids)
        got = mart[ids.pop()]
        expected = {c: Decimal(company[c]) for c in MONEY}
        if {c: got[c] or Decimal(0) for c in MONEY} != expected:
            wrong.append((company["company_key"], got, expected))
    assert not wrong, wrong[:3]
    # Some customers have unallocated cash, some a credit balance: the shape is exercised.
    assert sum(1 for c in customers if Decimal(c["unallocated_cash_amount"]) > 0) > 10
    assert any(Decimal(c["outstanding_amount"]) < 0 for c in customers)


def test_links_by_code_and_by_name(books: tuple[Settings, dict[str, Any]]) -> None:
    settings, _ = books
    con = _snapshot(settings)
    rules = dict(
        con.execute(
            "select match_rule, count(*) from core.customer_xref where source = 'compta' group by 1"
        ).fetchall()
    )
    assert rules.get("ledger_name", 0) > 10, rules
    linked_by_code = con.execute(
        "select count(*) from core.customer_xref where source = 'compta' "
        "and source_id like '411C%' and match_rule <> 'singleton'"
    ).fetchone()
    assert linked_by_code is not None and linked_by_code[0] > 50


def test_invariants_hold_and_checks_pass(books: tuple[Settings, dict[str, Any]]) -> None:
    settings, _ = books
    con = _snapshot(settings)
    bad = con.execute(
        "select count(*) from mart.customer_360 where overdue_amount < 0 "
        "or overdue_amount > greatest(outstanding_amount, 0) "
        "or aging_not_due_amount + aging_1_30_amount + aging_31_60_amount "
        "+ aging_61_90_amount + aging_over_90_amount <> outstanding_amount"
    ).fetchone()
    assert bad == (0,)
    assert run_checks(con, settings.fec.receivable_prefixes) == []
    invoices = con.execute(
        "select count(*), count(*) filter (where kind = 'credit_note') from core.invoice"
    ).fetchone()
    assert invoices is not None and invoices[0] > 100 and invoices[1] > 0
