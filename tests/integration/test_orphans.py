"""Orphans: records that name no known customer are loaded, listed, and own no money.

Hand-made extracts in the shapes real exports take (HubSpot label headers, Odoo
import-compatible export with `false` for empty, a tab-separated FEC with decimal commas,
SAP BSID/KNA1 downloads) go through the production ingest and build twice: once clean,
once with orphans added (a deal without company, an order and an invoice whose partner is
`false` or unknown, ledger lines on an unknown or blank KUNNR). The orphans load, each is
listed once in mart.data_quality and core.orphan with what it names and its amount, and no
customer's balance, revenue or pipeline moves by a cent.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from acme_beta import KNA1, PARTNERS
from clean_build import ingest_and_publish
from fastapi.testclient import TestClient
from hand_made import write_inbox

from api import security, store
from api.main import create_app
from kernel.connection import connect
from kernel.settings import Settings

security.BCRYPT_ROUNDS = 4

COMPANIES = """"Record ID","Company name","Company Domain Name","City","Postal Code","Lifecycle Stage","Code client ERP"
"501","ACME SAS","acme.fr","Lyon","69001","customer","C101"
"502","Beta SARL","beta-sarl.fr","Paris","75002","customer","C102"
"""
DEALS = """"Record ID","Deal Name","Deal Stage","Amount","Close Date","Associated Company IDs"
"9001","ACME renewal","appointmentscheduled","5000.00","2026-12-15","501"
"""
ORPHAN_DEALS = """"9002","Walk-in prospect","appointmentscheduled","1234.56","2026-12-20",""
"9003","Old account deal","appointmentscheduled","700.10","2026-12-20","777"
"""
ORDERS = """id,name,date_order,state,partner_id,amount_untaxed,amount_total,currency_id
1,S00001,2026-10-01 10:00:00,sale,101,1000.00,1200.00,EUR
"""
ORPHAN_ORDERS = """2,S00002,2026-10-02 10:00:00,sale,false,200.00,240.00,EUR
3,S00003,2026-10-03 10:00:00,sale,999,300.00,360.00,EUR
"""
MOVES = """id,name,move_type,partner_id,state,invoice_date,invoice_date_due,amount_untaxed,amount_total,amount_residual,currency_id
1,INV/2026/0001,out_invoice,101,posted,2026-10-01,2026-10-31,1000.00,1200.00,1200.00,EUR
2,INV/2026/0002,out_invoice,102,posted,2026-09-01,2026-10-01,500.00,600.00,600.00,EUR
"""
ORPHAN_MOVES = """3,INV/2026/0003,out_invoice,999,posted,2026-10-15,2026-11-14,287.89,345.47,345.47,EUR
4,INV/2026/0004,out_invoice,false,posted,2026-10-20,2026-11-19,8.34,10.01,10.01,EUR
5,RINV/2026/0001,out_refund,999,posted,2026-10-25,2026-10-25,20.00,24.00,24.00,EUR
"""
FEC_HEADER = (
    "JournalCode\tJournalLib\tEcritureNum\tEcritureDate\tCompteNum\tCompteLib\tCompAuxNum\t"
    "CompAuxLib\tPieceRef\tPieceDate\tEcritureLib\tDebit\tCredit\tEcritureLet\tDateLet\t"
    "ValidDate\tMontantdevise\tIdevise"
)
FEC_LINES = [
    "VE\tVentes\tVE1\t20261001\t411000\tClients\tC101\tACME SAS\tF1\t20261001\tFacture F1"
    "\t1200,00\t0,00\t\t\t20261001\t\t",
    "VE\tVentes\tVE1\t20261001\t706000\tPrestations\t\t\tF1\t20261001\tFacture F1"
    "\t0,00\t1000,00\t\t\t20261001\t\t",
    "VE\tVentes\tVE1\t20261001\t445710\tTVA collectée\t\t\tF1\t20261001\tFacture F1"
    "\t0,00\t200,00\t\t\t20261001\t\t",
    "BQ\tBanque\tBQ1\t20261020\t512000\tBanque\t\t\tV1\t20261020\tVirement ACME"
    "\t500,00\t0,00\t\t\t20261020\t\t",
    "BQ\tBanque\tBQ1\t20261020\t411000\tClients\tC101\tACME SAS\tV1\t20261020\tVirement ACME"
    "\t0,00\t500,00\t\t\t20261020\t\t",
]
BSID_HEADER = (
    "MANDT\tBUKRS\tKUNNR\tAUGDT\tAUGBL\tGJAHR\tBELNR\tBUZEI\tBUDAT\tBLDAT\tXBLNR\tBLART\t"
    "BSCHL\tSHKZG\tDMBTR\tWAERS\tZFBDT\tZBD1T\tZBD2T\tZBD3T\tREBZG\n"
)
BSID = (
    "100\tFR01\t0000100300\t00000000\t\t2026\t0090000123\t001\t20261005\t20261005\t90000123"
    "\tRV\t01\tS\t12.000,00\tEUR\t20261005\t30\t0\t0\t\n"
)
ORPHAN_BSID = (
    "100\tFR01\t0000999999\t00000000\t\t2026\t0090000124\t001\t20261006\t20261006\t90000124"
    "\tRV\t01\tS\t456,78\tEUR\t20261006\t30\t0\t0\t\n"
    "100\tFR01\t\t00000000\t\t2026\t0090000125\t001\t20261007\t20261007\t90000125"
    "\tRV\t01\tS\t99,99\tEUR\t20261007\t30\t0\t0\t\n"
)

# Balances by hand: ACME from the FEC (1 200,00 − 500,00), Beta from its Odoo invoice,
# Gamma from SAP BSID. Orphans add nothing to any of them.
OUTSTANDING = {
    "ACME SAS": Decimal("700.00"),
    "Beta SARL": Decimal("600.00"),
    "GAMMA SA": Decimal("12000.00"),
}
EXPECTED_ORPHANS = {
    # (check, source, source id): (what it names, reason, amount, open amount)
    ("orphan_opportunity", "crm", "9002"): (None, "no_reference", Decimal("1234.56"), None),
    ("orphan_opportunity", "crm", "9003"): ("777", "unknown_customer", Decimal("700.10"), None),
    ("orphan_order", "erp", "2"): (None, "no_reference", Decimal("240.00"), None),
    ("orphan_order", "erp", "3"): ("999", "unknown_customer", Decimal("360.00"), None),
    ("orphan_invoice", "erp", "3"): (
        "999",
        "unknown_customer",
        Decimal("345.47"),
        Decimal("345.47"),
    ),
    ("orphan_invoice", "erp", "4"): (None, "no_reference", Decimal("10.01"), Decimal("10.01")),
    ("orphan_invoice", "erp", "5"): (
        "999",
        "unknown_customer",
        Decimal("-24.00"),
        Decimal("-24.00"),
    ),
    ("orphan_ledger_line", "sap", "FR01/2026/0090000124/001"): (
        "0000999999",
        "unknown_customer",
        Decimal("456.78"),
        Decimal("456.78"),
    ),
    ("orphan_ledger_line", "sap", "FR01/2026/0090000125/001"): (
        None,
        "no_reference",
        Decimal("99.99"),
        Decimal("99.99"),
    ),
}


def _company(root: Path, *, orphans: bool) -> Settings:
    files = {
        "crm/companies.csv": COMPANIES,
        "crm/deals.csv": DEALS + (ORPHAN_DEALS if orphans else ""),
        "erp/res_partner.csv": PARTNERS,
        "erp/sale_order.csv": ORDERS + (ORPHAN_ORDERS if orphans else ""),
        "erp/account_move.csv": MOVES + (ORPHAN_MOVES if orphans else ""),
        "compta/123456789FEC20261231.txt": "\r\n".join([FEC_HEADER, *FEC_LINES]) + "\r\n",
        "sap/KNA1.txt": KNA1,
        "sap/BSID.txt": BSID_HEADER + BSID + (ORPHAN_BSID if orphans else ""),
    }
    write_inbox(root / "inbox", files)
    return Settings(
        data_dir=root / "data",
        as_of="2026-11-28",
        secret_key="orphans-test-secret-key-0123456789abcdef",
        sources=[
            {"name": "crm", "system": "hubspot", "role": "crm", "inbox": root / "inbox/crm"},
            {"name": "erp", "system": "odoo", "role": "erp", "inbox": root / "inbox/erp"},
            {
                "name": "compta",
                "system": "fec",
                "role": "accounting",
                "inbox": root / "inbox/compta",
            },
            {"name": "sap", "system": "sap", "role": "accounting", "inbox": root / "inbox/sap"},
        ],
    )


def _run(settings: Settings) -> Path:
    return ingest_and_publish(settings)


@pytest.fixture(scope="module")
def snapshots(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Settings, Path]]:
    out = {}
    for label, orphans in (("clean", False), ("orphans", True)):
        settings = _company(tmp_path_factory.mktemp(label), orphans=orphans)
        out[label] = (settings, _run(settings))
    return out


def _balances(path: Path) -> dict[str, tuple[Decimal, ...]]:
    with duckdb.connect(str(path), read_only=True) as con:
        rows = con.execute(
            "select name, outstanding_amount, overdue_amount, revenue_total_amount, "
            "open_pipeline_amount from mart.customer_360"
        ).fetchall()
    return {r[0]: tuple(r[1:]) for r in rows}


def test_orphans_reach_no_balance(snapshots: dict[str, tuple[Settings, Path]]) -> None:
    clean = _balances(snapshots["clean"][1])
    with_orphans = _balances(snapshots["orphans"][1])
    assert with_orphans == clean
    outstanding = {name: row[0] for name, row in with_orphans.items() if name in OUTSTANDING}
    assert outstanding == OUTSTANDING
    assert sum(row[0] or Decimal(0) for row in with_orphans.values()) == Decimal("13300.00")
    with duckdb.connect(str(snapshots["orphans"][1]), read_only=True) as con:
        attached = con.execute(
            "select count(*) from core.open_item where document_ref in "
            "('INV/2026/0003', 'INV/2026/0004', 'RINV/2026/0001', '90000124', '90000125')"
        ).fetchone()
        revenue = con.execute("select sum(revenue_amount) from core.revenue_line").fetchone()
    assert attached == (0,)
    assert revenue == (Decimal("1500.00"),)


def test_orphans_are_loaded_not_rejected(snapshots: dict[str, tuple[Settings, Path]]) -> None:
    settings = snapshots["orphans"][0]
    with connect(settings.staging_db, read_only=True) as con:
        staged = con.execute(
            "select 'opportunity', source_id, customer_source_id from staging.opportunity "
            "union all select 'sales_order', source_id, customer_source_id "
            "from staging.sales_order "
            "union all select 'invoice', source_id, customer_source_id from staging.invoice "
            "union all select 'receivable_item', source_id, customer_source_id "
            "from staging.receivable_item where source = 'sap' order by all"
        ).fetchall()
        rejects = con.execute("select count(*) from meta.reject").fetchone()
    assert rejects == (0,)
    assert ("opportunity", "9002", None) in staged
    assert ("sales_order", "2", None) in staged
    assert ("invoice", "4", None) in staged
    assert ("receivable_item", "FR01/2026/0090000125/001", None) in staged
    assert len(staged) == 3 + 3 + 5 + 3


def test_each_orphan_listed_once(snapshots: dict[str, tuple[Settings, Path]]) -> None:
    with duckdb.connect(str(snapshots["orphans"][1]), read_only=True) as con:
        orphans = con.execute(
            "select check_name, source, source_id, customer_source_id, reason, amount, "
            "open_amount from core.orphan"
        ).fetchall()
        quality = con.execute(
            "select check_name, source, source_id, detail, customer_id from mart.data_quality "
            "where check_name like 'orphan_%'"
        ).fetchall()
    assert {(r[0], r[1], r[2]): tuple(r[3:]) for r in orphans} == EXPECTED_ORPHANS
    assert len(orphans) == len(EXPECTED_ORPHANS)
    assert len(quality) == len(EXPECTED_ORPHANS)
    details = {(r[0], r[1], r[2]): r[3] for r in quality}
    assert all(r[4] is None for r in quality)  # attached to nobody
    assert details[("orphan_opportunity", "crm", "9002")] == (
        "Opportunity Walk-in prospect names no customer; amount 1234.56 EUR"
    )
    assert details[("orphan_invoice", "erp", "3")] == (
        "Invoice INV/2026/0003 names customer 999, unknown in erp; amount 345.47 EUR, open 345.47"
    )
    assert details[("orphan_ledger_line", "sap", "FR01/2026/0090000124/001")] == (
        "Ledger line 90000124 names customer 0000999999, unknown in sap; "
        "amount 456.78 EUR, open 456.78"
    )
    with duckdb.connect(str(snapshots["clean"][1]), read_only=True) as clean:
        assert clean.execute("select count(*) from core.orphan").fetchone() == (0,)


def test_orphans_through_the_api(snapshots: dict[str, tuple[Settings, Path]]) -> None:
    settings = snapshots["orphans"][0]
    store.add_user(settings, "steward", "admin", "steward-pass-123")
    with TestClient(create_app(settings)) as client:
        token = client.post(
            "/api/v1/auth/token", data={"username": "steward", "password": "steward-pass-123"}
        ).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        body = client.get("/api/v1/quality", headers=headers).json()
        page = client.get("/api/v1/quality/orphans?limit=2", headers=headers).json()
        invoices = client.get(
            "/api/v1/quality/orphans?check=orphan_invoice", headers=headers
        ).json()
    store.dispose_engines()
    counts = {c["check_name"]: c["count"] for c in body["checks"]}
    assert counts["orphan_invoice"] == 3
    assert counts["orphan_ledger_line"] == 2
    assert body["orphans"]["count"] == len(EXPECTED_ORPHANS)
    listed = {(o["check_name"], o["source"], o["source_id"]) for o in body["orphans"]["data"]}
    assert listed == set(EXPECTED_ORPHANS)
    assert page["count"] == len(EXPECTED_ORPHANS) and len(page["data"]) == 2
    assert page["next_cursor"]
    assert [
        (o["source_id"], o["names"], o["amount"], o["open_amount"]) for o in invoices["data"]
    ] == [
        ("3", "999", "345.47", "345.47"),
        ("4", None, "10.01", "10.01"),
        ("5", "999", "-24.00", "-24.00"),
    ]


def test_invoice_of_a_deleted_customer_is_listed(tmp_path: Path) -> None:
    settings = _company(tmp_path, orphans=False)
    _run(settings)
    # Next night Odoo's full partner export no longer has Beta (102): its invoice stays.
    partners = tmp_path / "inbox" / "erp" / "res_partner.csv"
    partners.write_text(PARTNERS.replace("102,Beta SARL,C102,false,75002,Paris,1,30 Days\n", ""))
    snapshot = _run(settings)
    with duckdb.connect(str(snapshot), read_only=True) as con:
        orphans = con.execute(
            "select check_name, source_id, customer_source_id, reason, open_amount from core.orphan"
        ).fetchall()
        detail = con.execute(
            "select detail from mart.data_quality where check_name = 'orphan_invoice'"
        ).fetchall()
        total = con.execute("select sum(outstanding_amount) from mart.customer_360").fetchone()
    assert orphans == [("orphan_invoice", "2", "102", "customer_deleted", Decimal("600.00"))]
    assert detail == [
        (
            "Invoice INV/2026/0002 names customer 102, deleted at its source; "
            "amount 600.00 EUR, open 600.00",
        )
    ]
    # Beta's 600,00 left every balance with its record, and is listed above instead.
    assert total == (Decimal("12700.00"),)
