"""Revenue and invoices from the books (issue 8, deliverable 4), on hand-made files.

A HubSpot companies export and two FEC files (2025 and 2026) written by hand: sales
entries with several sales lines and VAT, a partly paid invoice, a settled one, a credit
note, a cash sale (no customer line), a sale booked on a miscellaneous journal without
PieceRef, a reclassification between 7xx accounts, payments. With no ERP, each sales
entry is one invoice of its customer and the 7xx lines are its revenue; with an ERP, the
ERP's invoices are the only revenue.
"""

from __future__ import annotations

import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest
from fastapi.testclient import TestClient

from api import security, store
from api.main import create_app
from ingest.pipeline import ingest
from kernel.connection import connect
from kernel.settings import Settings, SourceConfig
from kernel.snapshots import current_snapshot
from warehouse.build import build

security.BCRYPT_ROUNDS = 4
DATA = Path(__file__).parent.parent / "data" / "books"
FECS = ("123456789FEC20251231.txt", "123456789FEC20261231.txt")
AS_OF = date(2026, 6, 30)
D = Decimal

# (invoice_number, issue_date, incl. tax, excl. tax, kind, open, due_date) per CRM code.
# Without DateEcheance and without payment terms, due 30 days after (the default terms).
# fmt: off
BOOKS_INVOICES = {
    "C001": {
        ("F2026-001", date(2026, 1, 15), D("1200.00"), D("1000.00"), "invoice", D("1200.00"), date(2026, 2, 14)),
        ("F2026-002", date(2026, 2, 10), D("360.00"), D("300.00"), "invoice", D("0.00"), date(2026, 3, 12)),
    },
    "C002": {
        ("F2026-003", date(2026, 3, 4), D("2400.00"), D("2000.00"), "invoice", D("1400.00"), date(2026, 4, 4)),
        ("A2026-001", date(2026, 3, 20), D("240.00"), D("200.00"), "credit_note", D("240.00"), date(2026, 4, 19)),
    },
    "C003": {
        ("OD/OD000001", date(2026, 4, 30), D("90.00"), D("75.00"), "invoice", D("90.00"), date(2026, 5, 30)),
        ("F2025-090", date(2025, 11, 10), D("600.00"), D("500.00"), "invoice", D("0.00"), date(2025, 12, 10)),
    },
}
# fmt: on
# (revenue this year, last year, all time) per CRM code.
BOOKS_REVENUE = {
    "C001": (D("1300.00"), D("0.00"), D("1300.00")),
    "C002": (D("1800.00"), D("0.00"), D("1800.00")),
    "C003": (D("75.00"), D("500.00"), D("575.00")),
    "": (D("0.00"), D("0.00"), D("0.00")),  # the prospect
}
# Lines of each object in the two FEC files together (2026: 29 lines, 2025: 5).
FEC_LINES = 34
SALES_LINES = 12  # 7xx lines, the cash sale's and the reclassification's included
TREASURY_LINES = 5  # 51x / 53x lines: the bank side of receipts (core/ledger_payment.sql)
RECEIVABLE_LINES = 10


def _settings(root: Path, *, with_erp: bool) -> Settings:
    sources = [
        SourceConfig(name="crm", system="hubspot", role="crm", inbox=root / "crm"),
        SourceConfig(name="books", system="fec", role="accounting", inbox=root / "books"),
    ]
    (root / "crm").mkdir(parents=True)
    (root / "books").mkdir()
    shutil.copyfile(DATA / "hubspot_companies.csv", root / "crm" / "companies.csv")
    for name in FECS:
        shutil.copyfile(DATA / name, root / "books" / name)
    if with_erp:
        (root / "erp").mkdir()
        sources.append(SourceConfig(name="erp", system="generic", role="erp", inbox=root / "erp"))
        for name in ("erp_customers.csv", "erp_invoices.csv"):
            shutil.copyfile(DATA / name, root / "erp" / name)
    return Settings(
        data_dir=root / "data",
        as_of=AS_OF,
        secret_key="test-secret-key-with-enough-bytes-0123456789",
        sources=sources,
    )


Built = tuple[Settings, duckdb.DuckDBPyConnection]


def _one(con: duckdb.DuckDBPyConnection, text: str, params: list[Any] | None = None) -> Any:
    """The single value a query answers."""
    row = con.execute(text, params or []).fetchone()
    assert row is not None, text
    return row[0]


def _built(root: Path, *, with_erp: bool) -> Built:
    settings = _settings(root, with_erp=with_erp)
    result = ingest(settings)
    assert result.ok, [o.message for o in result.refused]
    built = build(settings)
    assert built.published, built.message
    snapshot = current_snapshot(settings.snapshots_dir)
    assert snapshot is not None
    return settings, duckdb.connect(str(snapshot), read_only=True)


def _customer_of(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """CRM customer code (the HubSpot record's) → golden customer id."""
    rows = con.execute(
        """select coalesce(c.customer_code, ''), x.customer_id
           from core.customer_xref x join core.customer c using (customer_id)
           where x.source = 'crm'"""
    ).fetchall()
    return dict(rows)


@pytest.fixture(scope="module")
def books_only(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return _built(tmp_path_factory.mktemp("books_only"), with_erp=False)


def test_each_sales_entry_is_one_invoice_of_its_customer(books_only: Built) -> None:
    _, con = books_only
    ids = _customer_of(con)
    for code, expected in BOOKS_INVOICES.items():
        got = set(
            con.execute(
                """select invoice_number, issue_date, amount_incl_tax, amount_excl_tax, kind,
                          amount_open, due_date
                   from core.invoice where customer_id = ? and status = 'posted'""",
                [ids[code]],
            ).fetchall()
        )
        assert got == expected, code
    # The cash sale and the reclassification hold no customer line: no invoice at all.
    assert _one(con, "select count(*) from core.invoice") == 6
    assert _one(con, "select count(*) from core.invoice where customer_id is null") == 0


def test_revenue_is_the_sales_lines_excluding_tax(books_only: Built) -> None:
    _, con = books_only
    ids = _customer_of(con)
    for code, (ytd, last_year, total) in BOOKS_REVENUE.items():
        row = con.execute(
            """select revenue_ytd_amount, revenue_last_year_amount, revenue_total_amount
               from mart.customer_360 where customer_id = ?""",
            [ids[code]],
        ).fetchone()
        assert row == (ytd, last_year, total), code
    # One revenue line per 7xx line of a sales entry (2 + 2 + 2 + 1 + 1 + 1), signed.
    lines = con.execute(
        "select invoice_number, revenue_amount from core.revenue_line order by all"
    ).fetchall()
    assert len(lines) == 9
    assert ("A2026-001", D("-200.00")) in lines
    total = _one(con, "select sum(revenue_amount) from core.revenue_line")
    assert total == D("3675.00")
    last = _one(
        con, "select last_invoice_date from mart.customer_360 where customer_id = ?", [ids["C002"]]
    )
    assert last == date(2026, 3, 20)


def test_kpi_monthly_revenue_from_the_books(books_only: Built) -> None:
    _, con = books_only
    by_month = dict(
        con.execute(
            """select month, sum(revenue_amount) from mart.kpi_monthly
               group by month having sum(revenue_amount) <> 0"""
        ).fetchall()
    )
    assert by_month == {
        date(2025, 11, 1): D("500.00"),
        date(2026, 1, 1): D("1000.00"),
        date(2026, 2, 1): D("300.00"),
        date(2026, 3, 1): D("1800.00"),
        date(2026, 4, 1): D("75.00"),
    }
    credit = _one(
        con, "select sum(credit_note_amount) from mart.kpi_monthly where month = '2026-03-01'"
    )
    assert credit == D("200.00")


def test_rows_accounted_for_per_object(books_only: Built) -> None:
    _, con = books_only
    runs = con.execute(
        """select object, sum(rows_read), sum(rows_loaded), sum(rows_rejected), sum(rows_skipped)
           from meta.ingest_run where source = 'books' group by object"""
    ).fetchall()
    by_object = {r[0]: r[1:] for r in runs}
    assert set(by_object) == {"receivable_item", "customer", "ledger_line"}
    for obj, (read, loaded, rejected, skipped) in by_object.items():
        assert read == FEC_LINES, obj
        assert read == loaded + rejected + skipped, obj
        assert rejected == 0, obj
    assert by_object["ledger_line"][1] == SALES_LINES + TREASURY_LINES
    assert by_object["receivable_item"][1] == RECEIVABLE_LINES
    assert by_object["customer"][1] == 3


def test_invoices_tab_of_the_api(books_only: Built) -> None:
    settings, con = books_only
    customer = _customer_of(con)["C002"]
    store.add_user(settings, "fiona", "finance", "pw-books-123")
    try:
        with TestClient(create_app(settings)) as client:
            token = client.post(
                "/api/v1/auth/token", data={"username": "fiona", "password": "pw-books-123"}
            ).json()["access_token"]
            resp = client.get(
                f"/api/v1/customers/{customer}/invoices",
                headers={"Authorization": f"Bearer {token}"},
            )
    finally:
        store.dispose_engines()
    assert resp.status_code == 200, resp.text
    items = resp.json()["data"]
    assert [
        (
            i["invoice_number"],
            i["kind"],
            i["amount_incl_tax"],
            i["amount_excl_tax"],
            i["amount_open"],
            i["source"],
        )
        for i in items
    ] == [
        ("A2026-001", "credit_note", "240.00", "200.00", "240.00", "books"),
        ("F2026-003", "invoice", "2400.00", "2000.00", "1400.00", "books"),
    ]


def test_an_erp_wins_never_both(tmp_path: Path) -> None:
    _, con = _built(tmp_path, with_erp=True)
    ids = _customer_of(con)
    revenue = dict(
        con.execute("select customer_id, revenue_total_amount from mart.customer_360").fetchall()
    )
    assert revenue[ids["C001"]] == D("5000.00")
    assert revenue[ids["C002"]] == D("0.00")
    assert revenue[ids["C003"]] == D("0.00")
    assert con.execute("select sum(revenue_amount) from core.revenue_line").fetchone() == (
        D("5000.00"),
    )
    # The books' invoices are still known, but not shown as invoices beside the ERP's.
    assert con.execute("select count(*) from core.ledger_invoice").fetchone() == (6,)
    assert con.execute("select source, invoice_number from core.invoice").fetchall() == [
        ("erp", "FA-0001")
    ]


def test_montant_sens_variant_pipe_separated(tmp_path: Path) -> None:
    """The FEC's Montant + Sens variant (art. A47 A-1), pipe-separated, books alone."""
    inbox = tmp_path / "books"
    inbox.mkdir()
    shutil.copyfile(DATA / "987654321FEC20261231.txt", inbox / "987654321FEC20261231.txt")
    settings = Settings(
        data_dir=tmp_path / "data",
        as_of=AS_OF,
        sources=[SourceConfig(name="books", system="fec", role="accounting", inbox=inbox)],
    )
    assert ingest(settings).ok
    built = build(settings)
    assert built.published, built.message
    snapshot = current_snapshot(settings.snapshots_dir)
    assert snapshot is not None
    con = duckdb.connect(str(snapshot), read_only=True)
    assert con.execute(
        """select invoice_number, kind, amount_incl_tax, amount_excl_tax, amount_open
           from core.invoice order by invoice_number"""
    ).fetchall() == [
        ("AV13", "credit_note", D("120.00"), D("100.00"), D("120.00")),
        ("FA12", "invoice", D("1234.56"), D("1028.80"), D("1234.56")),
    ]
    assert con.execute(
        "select revenue_ytd_amount, revenue_total_amount from mart.customer_360"
    ).fetchall() == [(D("928.80"), D("928.80"))]


def test_a_fec_loaded_before_the_sales_lines_existed_gives_them_once(tmp_path: Path) -> None:
    """An install upgraded with its FEC already loaded: the unchanged file is read again
    once for the new object, then skipped as before."""
    settings = _settings(tmp_path, with_erp=False)
    assert ingest(settings).ok
    con = connect(settings.staging_db)
    # What staging looked like before the profile had [objects.ledger_line].
    con.execute("delete from staging.ledger_line")
    con.execute("delete from meta.ingest_run where object = 'ledger_line'")
    con.close()
    again = ingest(settings)
    assert again.ok
    by_object = {(o.file, o.object): o for o in again.outcomes if o.source == "books"}
    assert by_object[(FECS[1], "ledger_line")].rows_loaded == 11 + 4  # sales + treasury
    assert by_object[(FECS[0], "ledger_line")].rows_loaded == 1 + 1
    third = ingest(settings)
    assert {o.status for o in third.outcomes} == {"skipped"}
