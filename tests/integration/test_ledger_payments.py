"""Payments through ingest and build, per ledger shape: the invoices each payment settles,
days-to-pay per invoice, and the customer's payment behaviour (median days-to-pay and
on-time rate over the 12 months to as_of) in mart.customer_360.

Fixtures: tests/data/profiles/{sap_payments, fec_payments, oracle_ebs_applications,
generic_payments}, hand-made in each vendor's export shape. as_of = 2026-04-30.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest

from ingest.pipeline import ingest
from kernel.connection import connect
from kernel.settings import Settings
from warehouse.build import build

FIXTURES = Path(__file__).parents[1] / "data" / "profiles"
D = Decimal


def _build(tmp_path: Path, *sources: tuple[str, str, str, str]) -> duckdb.DuckDBPyConnection:
    """Ingest (name, system, role, fixture folder) sources and build; the snapshot."""
    settings = Settings(
        data_dir=tmp_path / "data",
        as_of="2026-04-30",
        sources=[
            {"name": name, "system": system, "role": role, "inbox": FIXTURES / folder}
            for name, system, role, folder in sources
        ],
    )
    result = ingest(settings)
    assert result.ok, [o.message for o in result.refused]
    for o in result.outcomes:
        assert o.rows_read == o.rows_loaded + o.rows_rejected + o.rows_skipped, o
    built = build(settings)
    assert built.published, built.message
    assert built.snapshot is not None
    return duckdb.connect(str(built.snapshot), read_only=True)


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple[Any, ...]]:
    return con.execute(sql).fetchall()


PAYMENTS = (
    "select source, payment_number, payment_date, amount, invoice_ref, method "
    "from core.payment order by source, payment_date, source_id"
)
PAID = (
    "select invoice_number, issue_date, due_date, amount, paid_date, days_to_pay, "
    "paid_on_time, basis, payment_refs from core.invoice_payment order by invoice_number"
)
BEHAVIOUR = (
    "select name, paid_invoice_count_12m, median_days_to_pay_12m, on_time_rate_12m, "
    "last_payment_date from mart.customer_360 order by name"
)


@pytest.fixture
def sap(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    return _build(tmp_path, ("sap", "sap", "erp", "sap_payments"))


def test_sap_payments_settle_the_invoices_they_cleared(sap: duckdb.DuckDBPyConnection) -> None:
    # 1400000201 cleared two invoices; the partial payment 1400000210 names its invoice by
    # REBZG and, once cleared with the rest (1400000220), by the clearing document too;
    # the open partial payment names its open invoice; the on-account one names none.
    assert _rows(sap, PAYMENTS) == [
        ("sap", "1400000201", date(2026, 1, 30), D("3600.00"), "0090000201;0090000202", "T"),
        ("sap", "1400000210", date(2026, 2, 15), D("400.00"), "0090000203", "C"),
        ("sap", "1400000220", date(2026, 3, 20), D("600.00"), "0090000203", "T"),
        ("sap", "1400000230", date(2026, 3, 25), D("1000.00"), "0090000303", "T"),
        ("sap", "1400000240", date(2026, 4, 2), D("250.50"), None, None),
    ]
    # Settled on the last payment of the clearing; the invoice cleared by a credit memo
    # (0090000301) was not paid; the open one (0090000303) is not settled.
    assert _rows(sap, PAID) == [
        ("0090000201", date(2026, 1, 5), date(2026, 2, 4), D("1200.00"), date(2026, 1, 30),
         25, True, "clearing", "1400000201"),
        ("0090000202", date(2026, 1, 10), date(2026, 2, 9), D("2400.00"), date(2026, 1, 30),
         20, True, "clearing", "1400000201"),
        ("0090000203", date(2026, 2, 1), date(2026, 3, 3), D("1000.00"), date(2026, 3, 20),
         47, False, "clearing", "1400000210;1400000220"),
    ]  # fmt: skip
    # Median of 25, 20, 47 days; two of three on time.
    assert _rows(sap, BEHAVIOUR) == [
        ("ALPHA INDUSTRIE", 3, D("25.0"), D("0.6667"), date(2026, 3, 20)),
        ("BRAVO SAS", 0, None, None, None),
    ]


def test_fec_bank_receipts_are_the_payments(tmp_path: Path) -> None:
    con = _build(tmp_path, ("books", "fec", "accounting", "fec_payments"))
    # Receipts = 411 credits in an entry moving a bank (512), cheque (5112) or cash (53)
    # account; not the credit note, not the OD to 416. Invoices from the lettering group.
    assert _rows(con, PAYMENTS) == [
        ("books", "VIR0130", date(2026, 1, 30), D("1800.00"), "F2601;F2602", "bank"),
        ("books", "CHQ0215", date(2026, 2, 15), D("400.00"), "F2603", "cheque"),
        ("books", "VIR0320", date(2026, 3, 20), D("300.00"), None, "bank"),
        ("books", "VIR0420", date(2026, 4, 20), D("900.00"), "F2605", "bank"),
        ("books", "ESP0428", date(2026, 4, 28), D("50.25"), None, "cash"),
    ]
    # Paid on the bank date, not the lettering date (10 Feb); F2603 is partly lettered
    # (600.00 still due), F2604 was settled by its credit note: neither was paid.
    assert _rows(con, PAID) == [
        ("F2601", date(2026, 1, 5), date(2026, 2, 4), D("1200.00"), date(2026, 1, 30), 25,
         True, "payment", "VIR0130"),
        ("F2602", date(2026, 1, 10), date(2026, 2, 9), D("600.00"), date(2026, 1, 30), 20,
         True, "payment", "VIR0130"),
        ("F2605", date(2026, 4, 1), date(2026, 5, 1), D("900.00"), date(2026, 4, 20), 19, True,
         "payment", "VIR0420"),
    ]  # fmt: skip
    assert _rows(con, BEHAVIOUR) == [
        ("DUPONT SA", 2, D("22.5"), D("1.0000"), date(2026, 1, 30)),
        ("MARTIN & FILS", 1, D("19.0"), D("1.0000"), date(2026, 4, 20)),
    ]
    assert _rows(con, "select sum(amount) from core.payment where invoice_ref is null") == [
        (D("350.25"),)
    ]


def test_fec_beside_an_erp_dates_its_cleared_invoices_by_the_bank(tmp_path: Path) -> None:
    # With an ERP configured, the ERP's payments and invoices win: the FEC's receipts do
    # not join core.payment, but its lettered invoice items are settled on the receipt's
    # date (not DateLet), and only when the group balances and holds a receipt.
    con = _build(
        tmp_path,
        ("erp", "generic", "erp", "generic_payments"),
        ("books", "fec", "accounting", "fec_payments"),
    )
    assert _rows(con, "select count(*) from core.payment where source = 'books'") == [(0,)]
    assert _rows(
        con,
        "select invoice_number, paid_date, days_to_pay, basis, payment_refs "
        "from core.invoice_payment where source = 'books' order by invoice_number",
    ) == [
        ("F2601", date(2026, 1, 30), 25, "clearing", "VIR0130"),
        ("F2602", date(2026, 1, 30), 20, "clearing", "VIR0130"),
        ("F2605", date(2026, 4, 20), 19, "clearing", "VIR0420"),
    ]


# Per ledger shape whose payments name the invoices they settle: the fixture source, the
# settled invoices (PAID), the customers' behaviour (BEHAVIOUR) and every receipt's amount
# summed (applied, on account and unapplied alike).
SETTLED = {
    # INV-2003 keeps 300.00 due (AMOUNT_DUE_REMAINING): its application is no settlement.
    # INV-2004 is named by its CUSTOMER_TRX_ID.
    "oracle_ebs": (
        ("ebs", "oracle_ebs", "erp", "oracle_ebs_applications"),
        [
            ("INV-2001", date(2026, 1, 5), date(2026, 1, 20), D("1000.00"), date(2026, 2, 3), 29,
             False, "payment", "RCPT-2026-101"),
            ("INV-2002", date(2026, 1, 10), date(2026, 2, 9), D("2500.75"), date(2026, 2, 3), 24,
             True, "payment", "RCPT-2026-101"),
            ("INV-2004", date(2026, 2, 15), date(2026, 3, 17), D("450.00"), date(2026, 3, 10), 23,
             True, "payment", "RCPT-2026-103"),
        ],
        [
            ("DELTA SA", 2, D("26.5"), D("0.5000"), date(2026, 2, 3)),
            ("ECHO SARL", 1, D("23.0"), D("1.0000"), date(2026, 3, 10)),
        ],
        D("4771.25"),
    ),
    # payments.csv 1500.00 + 2000.50 + 99.99 (PAY-004's amount "abc" is rejected) and
    # reglements.csv 1 234,56 + 500,00.
    "generic": (
        ("erp", "generic", "erp", "generic_payments"),
        [
            ("FA-100", date(2025, 12, 20), date(2026, 1, 19), D("1000.00"), date(2026, 1, 15), 26,
             True, "payment", "RG-2026-01"),
            ("FA-101", date(2026, 1, 5), date(2026, 2, 4), D("234.56"), date(2026, 1, 15), 10,
             True, "payment", "RG-2026-01"),
            ("INV-001", date(2026, 1, 20), date(2026, 2, 19), D("1500.00"), date(2026, 2, 10), 21,
             True, "payment", "PAY-001"),
            ("INV-002", date(2026, 1, 25), date(2026, 2, 24), D("1000.25"), date(2026, 3, 1), 35,
             False, "payment", "PAY-002"),
            ("INV-003", date(2026, 2, 1), date(2026, 3, 3), D("1000.25"), date(2026, 3, 1), 28,
             True, "payment", "PAY-002"),
        ],
        [
            ("Foxtrot SAS", 3, D("28.0"), D("0.6667"), date(2026, 3, 1)),
            ("Golf SARL", 0, None, None, None),
            ("Hôtel du Lac", 2, D("18.0"), D("1.0000"), date(2026, 1, 15)),
        ],
        D("5335.05"),
    ),
}  # fmt: skip


@pytest.mark.parametrize("ledger", SETTLED)
def test_payments_settle_the_invoices_they_name(tmp_path: Path, ledger: str) -> None:
    source, paid, behaviour, received = SETTLED[ledger]
    con = _build(tmp_path, source)
    assert _rows(con, PAID) == paid
    assert _rows(con, BEHAVIOUR) == behaviour
    assert _rows(con, "select sum(amount) from core.payment") == [(received,)]


def test_sap_files_loaded_before_payments_were_read_give_them_once(tmp_path: Path) -> None:
    """An install upgraded with its BSID/BSAD already loaded: the unchanged files are read
    again once for the new `payment` object, then skipped as before."""
    settings = Settings(
        data_dir=tmp_path / "data",
        sources=[
            {"name": "sap", "system": "sap", "role": "erp", "inbox": FIXTURES / "sap_payments"}
        ],
    )
    assert ingest(settings).ok
    con = connect(settings.staging_db)
    # What staging looked like before the profile had [objects.payment].
    con.execute("delete from staging.payment")
    con.execute("delete from meta.ingest_run where object = 'payment'")
    con.close()
    again = ingest(settings)
    assert again.ok
    loaded = {(o.file, o.object): o.rows_loaded for o in again.outcomes}
    assert loaded[("BSAD.txt", "payment")] == 3
    assert loaded[("BSID.txt", "payment")] == 2
    third = ingest(settings)
    assert {o.status for o in third.outcomes} == {"skipped"}
