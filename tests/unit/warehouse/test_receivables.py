"""Outstanding, overdue and aging from ERP invoices and from FEC lines, to the cent."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import duckdb
from warehouse_fixtures import xref_of

COLUMNS = (
    "outstanding_amount, overdue_amount, oldest_overdue_days, aging_not_due_amount, "
    "aging_1_30_amount, aging_31_60_amount, aging_61_90_amount, aging_over_90_amount"
)


def _balance(con: duckdb.DuckDBPyConnection, source: str, source_id: str) -> tuple[object, ...]:
    customer_id = xref_of(con)[(source, source_id)][0]
    row = con.execute(
        f"select {COLUMNS} from mart.customer_360 where customer_id = ?", [customer_id]
    ).fetchone()
    assert row is not None
    return row


def D(value: str) -> Decimal:  # noqa: N802
    return Decimal(value)


def test_erp_invoices_posted_and_open_only_credit_notes_negative(
    reference: duckdb.DuckDBPyConnection,
) -> None:
    # INV-1 1200 due 2026-10-01 (58 days late), INV-2 500 not due, CN-1 −200; draft and
    # fully paid invoices ignored. The credit note covers the oldest invoice first:
    # INV-1 keeps 1000 overdue, INV-2 500 not due; the credit note itself ages nowhere.
    assert _balance(reference, "erp", "E2") == (
        D("1500.00"),
        D("1000.00"),
        58,
        D("500.00"),
        D("0.00"),
        D("1000.00"),
        D("0.00"),
        D("0.00"),
    )


def test_fec_lines_lettered_partially_lettered_and_opening(
    reference: duckdb.DuckDBPyConnection,
) -> None:
    # Opening 300 (due 2026-01-31, 301 days), group AA balanced (nothing), group AB
    # residual 500 dated 2026-10-15 + 30 days ERP terms (14 days), F102 750.50 not due.
    # The ERP invoice INV-A (999.99 open) is ignored: the ledger is the truth.
    assert _balance(reference, "erp", "E1") == (
        D("1550.50"),
        D("800.00"),
        301,
        D("750.50"),
        D("500.00"),
        D("0.00"),
        D("0.00"),
        D("300.00"),
    )
    customer_id = xref_of(reference)[("erp", "E1")][0]
    items = reference.execute(
        "select document_ref, document_date, due_date, amount_open, basis from core.open_item "
        "where customer_id = ? order by document_date",
        [customer_id],
    ).fetchall()
    assert items == [
        ("AN-2026", date(2026, 1, 1), date(2026, 1, 31), D("300.00"), "ledger"),
        ("F101", date(2026, 10, 15), date(2026, 11, 14), D("500.00"), "ledger"),
        ("F102", date(2026, 11, 20), date(2026, 12, 20), D("750.50"), "ledger"),
    ]


def test_fec_customer_without_erp_uses_default_terms(
    reference: duckdb.DuckDBPyConnection,
) -> None:
    # 100.00 dated 2026-10-01 + 45 default days = 2026-11-15: 13 days overdue.
    assert _balance(reference, "compta", "411ZED") == (
        D("100.00"),
        D("100.00"),
        13,
        D("0.00"),
        D("100.00"),
        D("0.00"),
        D("0.00"),
        D("0.00"),
    )


def test_totals_reconcile_and_aging_sums_to_outstanding(
    reference: duckdb.DuckDBPyConnection,
) -> None:
    total = reference.execute("select sum(amount_open) from core.open_item").fetchone()
    mart = reference.execute("select sum(outstanding_amount) from mart.customer_360").fetchone()
    aging = reference.execute("select sum(amount) from mart.ar_aging").fetchone()
    assert total == mart == aging == (D("3150.50"),)
    both = reference.execute(
        "select customer_id from core.open_item group by customer_id "
        "having count(distinct basis) > 1"
    ).fetchall()
    assert both == []


def test_revenue_pipeline_and_exposure(reference: duckdb.DuckDBPyConnection) -> None:
    beta = xref_of(reference)[("erp", "E2")][0]
    row = reference.execute(
        "select revenue_ytd_amount, revenue_last_year_amount, revenue_total_amount "
        "from mart.customer_360 where customer_id = ?",
        [beta],
    ).fetchone()
    # 2026: 1000 + 500 − 100 (credit note, excl. tax); 2025: 2000; drafts excluded.
    assert row == (D("1400.00"), D("2000.00"), D("3400.00"))
    acme = xref_of(reference)[("erp", "E1")][0]
    row = reference.execute(
        "select open_orders_amount, credit_exposure_amount, open_pipeline_amount, "
        "weighted_pipeline_amount, credit_utilisation from mart.customer_360 "
        "where customer_id = ?",
        [acme],
    ).fetchone()
    assert row == (D("480.00"), D("2030.50"), D("10000.00"), D("5000.00"), D("1.5505"))
