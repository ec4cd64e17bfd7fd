"""A small hand-made snapshot for the API tests.

Kept in this one file so it can be swapped for the production pipeline
(`ingest.demo.generate_demo` + ingest + `warehouse.build.build`) once those exist; the
tests only rely on `publish_snapshot(snapshots_dir, build_id, name=...)` and the ids below.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from warehouse.snapshots import CURRENT, write_pointer

BUILD_1 = "20261127T020000000000Z"
BUILD_2 = "20261128T020000000000Z"

ALICE = "Alice Martin"
BOB = "Bob Durand"
DUPONT = "C0000001"
CAFE = "C0000002"
ACME = "C0000003"
MERGED = "C0000009"
PASSWORD = "s3cret-pass"  # of every test user

C360_COLUMNS = """
    customer_id varchar, name varchar, siren varchar, siret varchar, vat_number varchar,
    customer_code varchar, email varchar, phone varchar, website varchar, street varchar,
    postcode varchar, city varchar, country varchar, segment varchar, owner varchar,
    lifecycle_stage varchar, payment_terms_days integer, credit_limit_amount decimal(18,2),
    currency varchar, outstanding_amount decimal(18,2), overdue_amount decimal(18,2),
    oldest_overdue_days integer, unallocated_cash_amount decimal(18,2) default 0,
    credit_balance_amount decimal(18,2) default 0, aging_not_due_amount decimal(18,2),
    aging_1_30_amount decimal(18,2), aging_31_60_amount decimal(18,2),
    aging_61_90_amount decimal(18,2), aging_over_90_amount decimal(18,2),
    credit_utilisation double, open_orders_amount decimal(18,2),
    credit_exposure_amount decimal(18,2), revenue_ytd_amount decimal(18,2),
    revenue_last_year_amount decimal(18,2), revenue_total_amount decimal(18,2),
    open_pipeline_amount decimal(18,2), weighted_pipeline_amount decimal(18,2),
    last_order_date date, last_invoice_date date, last_activity_date date,
    alert_count integer, source_count integer, has_crm boolean, has_erp boolean,
    has_accounting boolean, updated_at timestamp
"""

# (id, name, siren, siret, vat, code, email, postcode, city, segment, owner,
#  outstanding, overdue, alerts, sources)
CUSTOMERS = [
    (
        DUPONT,
        "Dupont SARL",
        "732829320",
        "73282932000074",
        "FR44732829320",
        "C00042",
        "contact@dupont.fr",
        "69003",
        "Lyon",
        "PME",
        ALICE,
        "1234.56",
        "500.00",
        1,
        2,
    ),
    (
        CAFE,
        "Café Éléphant SAS",
        "552100554",
        "55210055400013",
        "FR03552100554",
        "C00043",
        "compta@cafe-elephant.fr",
        "75011",
        "Paris",
        "ETI",
        BOB,
        "0.00",
        "0.00",
        0,
        1,
    ),
    (
        ACME,
        "ACME Industries",
        "443061841",
        "44306184100047",
        "FR83443061841",
        "C00044",
        "ap@acme.example",
        "13002",
        "Marseille",
        "Grand compte",
        ALICE,
        "10000.00",
        "2500.00",
        1,
        3,
    ),
    (
        "C0000004",
        "Boulangerie Martin",
        "380129866",
        "38012986600021",
        None,
        "C00045",
        "bonjour@boulangerie-martin.fr",
        "69002",
        "Lyon",
        "TPE",
        BOB,
        "320.00",
        "0.00",
        0,
        1,
    ),
    (
        "C0000005",
        "Zeta Logistique",
        "519587851",
        "51958785100019",
        None,
        "C00046",
        "info@zeta.example",
        "59000",
        "Lille",
        "PME",
        ALICE,
        "75.10",
        "75.10",
        0,
        2,
    ),
    (
        "C0000006",
        "Entreprise Été",
        "391283702",
        None,
        None,
        None,
        "ete@example.org",
        "44000",
        "Nantes",
        "TPE",
        None,
        "0.00",
        "0.00",
        0,
        1,
    ),
]

_TABLES = {
    "core.customer_xref": "customer_id varchar, source varchar, source_id varchar, "
    "system varchar, role varchar, match_rule varchar, match_score decimal(5,4), "
    "evidence varchar",
    "core.customer_redirect": "old_customer_id varchar, customer_id varchar, build_id varchar",
    "core.customer_conflict": 'customer_id varchar, field varchar, "values" varchar, '
    "chosen_value varchar, chosen_source varchar, rule varchar",
    "core.invoice": "customer_id varchar, source varchar, source_id varchar, "
    "invoice_number varchar, kind varchar, status varchar, issue_date date, due_date date, "
    "amount_excl_tax decimal(18,2), amount_incl_tax decimal(18,2), "
    "amount_open decimal(18,2), currency varchar",
    "core.open_item": "customer_id varchar, source varchar, document_ref varchar, "
    "document_date date, due_date date, due_date_rule varchar, amount_open decimal(18,2), "
    "amount_allocated decimal(18,2), amount_remaining decimal(18,2), days_overdue integer, "
    "aging_bucket varchar",
    "core.sales_order": "customer_id varchar, source varchar, source_id varchar, "
    "order_number varchar, status varchar, order_date date, amount_excl_tax decimal(18,2), "
    "amount_incl_tax decimal(18,2), currency varchar",
    "core.opportunity": "customer_id varchar, source varchar, source_id varchar, "
    "name varchar, stage varchar, status varchar, amount decimal(18,2), probability double, "
    "close_date date, owner varchar",
    "core.contact": "customer_id varchar, source varchar, source_id varchar, "
    "first_name varchar, last_name varchar, full_name varchar, email varchar, phone varchar, "
    "job_title varchar",
    "core.payment": "customer_id varchar, source varchar, source_id varchar, "
    "payment_date date, amount decimal(18,2), currency varchar, invoice_ref varchar, "
    "method varchar",
    "core.match_candidate": "left_source varchar, left_source_id varchar, "
    "right_source varchar, right_source_id varchar, score double, evidence varchar",
    "mart.ar_aging": "customer_id varchar, bucket varchar, amount decimal(18,2)",
    "mart.alert": "customer_id varchar, alert_type varchar, severity varchar, "
    "message varchar, owner varchar, amount decimal(18,2)",
    "mart.kpi_monthly": "month date, segment varchar, owner varchar, "
    "revenue_amount decimal(18,2), credit_note_amount decimal(18,2), "
    "pipeline_amount decimal(18,2), weighted_pipeline_amount decimal(18,2), "
    "won_count integer, lost_count integer, win_rate double, active_customers integer, "
    "new_customers integer, dso_days double, overdue_share double",
    "mart.data_quality": "check_name varchar, severity varchar, customer_id varchar, "
    "source varchar, source_id varchar, detail varchar",
    "mart.balance_history": "build_date date, customer_id varchar, "
    "outstanding_amount decimal(18,2), overdue_amount decimal(18,2)",
    "meta.ingest_run": "run_id varchar, source varchar, file varchar, object varchar, "
    "status varchar, rows_read bigint, rows_loaded bigint, rows_rejected bigint, "
    "message varchar, started_at timestamp, finished_at timestamp",
    "meta.reject": "run_id varchar, source varchar, file varchar, object varchar, "
    "line bigint, raw varchar, reason varchar",
    "meta.build": "build_id varchar, status varchar, started_at timestamp, "
    "finished_at timestamp, customers bigint",
}


def _ev(**kwargs: object) -> str:
    return json.dumps(kwargs)


def _rows(build_id: str) -> dict[str, list[tuple[object, ...]]]:
    return {
        "core.customer_xref": [
            (
                DUPONT,
                "crm",
                "1001",
                "hubspot",
                "crm",
                "xref",
                1,
                _ev(rule="xref", customer_code="C00042"),
            ),
            (
                DUPONT,
                "erp",
                "C00042",
                "odoo",
                "erp",
                "legal_id",
                1,
                _ev(rule="legal_id", siret="73282932000074"),
            ),
            (
                ACME,
                "crm",
                "1003",
                "hubspot",
                "crm",
                "fuzzy",
                0.94,
                _ev(
                    rule="fuzzy",
                    name_a="ACME Industries",
                    name_b="ACME",
                    score=0.94,
                    postcode="13002",
                ),
            ),
            (ACME, "erp", "C00044", "odoo", "erp", "single", 1, _ev(rule="single")),
            (CAFE, "crm", "1002", "hubspot", "crm", "single", 1, _ev(rule="single")),
        ],
        "core.customer_redirect": [(MERGED, DUPONT, BUILD_1)],
        "core.customer_conflict": [
            (
                DUPONT,
                "phone",
                json.dumps({"crm": "+33478000000", "erp": "+33478000001"}),
                "+33478000001",
                "erp",
                "erp_master_for_active",
            ),
        ],
        "core.invoice": [
            (
                DUPONT,
                "erp",
                "INV1",
                "F2026-001",
                "invoice",
                "open",
                "2026-09-01",
                "2026-10-01",
                "1000.00",
                "1200.00",
                "500.00",
                "EUR",
            ),
            (
                DUPONT,
                "erp",
                "INV2",
                "F2026-002",
                "invoice",
                "open",
                "2026-11-10",
                "2026-12-10",
                "612.13",
                "734.56",
                "734.56",
                "EUR",
            ),
            (
                DUPONT,
                "erp",
                "CN1",
                "A2026-001",
                "credit_note",
                "paid",
                "2026-06-01",
                None,
                "-100.00",
                "-120.00",
                "0.00",
                "EUR",
            ),
            (
                ACME,
                "erp",
                "INV3",
                "F2026-003",
                "invoice",
                "open",
                "2026-07-01",
                "2026-08-01",
                "8333.33",
                "10000.00",
                "10000.00",
                "EUR",
            ),
        ],
        "core.open_item": [
            (
                DUPONT,
                "erp",
                "F2026-001",
                "2026-09-01",
                "2026-10-01",
                "document",
                "500.00",
                "0.00",
                "500.00",
                58,
                "31_60",
            ),
            (
                DUPONT,
                "erp",
                "F2026-002",
                "2026-11-10",
                "2026-12-10",
                "document",
                "734.56",
                "0.00",
                "734.56",
                0,
                "not_due",
            ),
        ],
        "core.sales_order": [
            (DUPONT, "erp", "SO1", "SO-001", "invoiced", "2026-08-20", "1000.00", "1200.00", "EUR"),
            (DUPONT, "erp", "SO2", "SO-002", "confirmed", "2026-11-20", "400.00", "480.00", "EUR"),
        ],
        "core.opportunity": [
            (
                DUPONT,
                "crm",
                "D1",
                "Renouvellement 2027",
                "negotiation",
                "open",
                "5000.00",
                0.6,
                "2026-12-15",
                ALICE,
            ),
            (
                DUPONT,
                "crm",
                "D2",
                "Extension",
                "closedwon",
                "won",
                "1000.00",
                1.0,
                "2026-05-01",
                ALICE,
            ),
        ],
        "core.contact": [
            (
                DUPONT,
                "crm",
                "P1",
                "Jeanne",
                "Dupont",
                "Jeanne Dupont",
                "jeanne@dupont.fr",
                "+33478000002",
                "Gérante",
            ),
            (
                DUPONT,
                "crm",
                "P2",
                "Marc",
                "Aubert",
                "Marc Aubert",
                "marc@dupont.fr",
                None,
                "Comptable",
            ),
        ],
        "core.payment": [
            (DUPONT, "erp", "PAY1", "2026-10-15", "700.00", "EUR", "F2026-001", "transfer"),
        ],
        "core.match_candidate": [
            (
                "crm",
                "1004",
                "erp",
                "C00045",
                0.85,
                _ev(
                    rule="fuzzy",
                    name_a="Boulangerie Martin",
                    name_b="BOULANGERIE MARTIN SARL",
                    score=0.85,
                ),
            ),
        ],
        "mart.ar_aging": [
            (DUPONT, "not_due", "734.56"),
            (DUPONT, "31_60", "500.00"),
            (ACME, "over_90", "2500.00"),
            (ACME, "not_due", "7500.00"),
        ],
        "mart.alert": [
            (DUPONT, "overdue", "warning", "500.00 overdue for 58 days", ALICE, "500.00"),
            (ACME, "credit_limit", "high", "Over credit limit", ALICE, "10000.00"),
            ("C0000004", "missing_in_crm", "low", "In the ERP but not the CRM", BOB, None),
        ],
        "mart.kpi_monthly": [
            (
                "2026-09-01",
                "PME",
                ALICE,
                "1000.00",
                "0.00",
                "5000.00",
                "3000.00",
                0,
                0,
                None,
                2,
                0,
                45.0,
                0.1,
            ),
            (
                "2026-10-01",
                "PME",
                ALICE,
                "0.00",
                "0.00",
                "5000.00",
                "3000.00",
                1,
                1,
                0.5,
                2,
                0,
                50.0,
                0.2,
            ),
            (
                "2026-11-01",
                "PME",
                ALICE,
                "612.13",
                "0.00",
                "5000.00",
                "3000.00",
                0,
                0,
                None,
                2,
                1,
                52.5,
                0.3,
            ),
            ("2026-11-01", "ETI", BOB, "0.00", "0.00", "0.00", "0.00", 0, 0, None, 1, 0, 0.0, 0.0),
        ],
        "mart.data_quality": [
            ("missing_in_crm", "warning", "C0000004", "erp", "C00045", "ERP customer not in CRM"),
            ("address_differs", "info", DUPONT, None, None, "street differs"),
            ("missing_in_crm", "warning", "C0000006", "erp", "C00047", "ERP customer not in CRM"),
        ],
        "mart.balance_history": [
            ("2026-11-26", DUPONT, "1100.00", "500.00"),
            ("2026-11-27", DUPONT, "1234.56", "500.00"),
        ],
        "meta.ingest_run": [
            (
                "R1",
                "crm",
                "companies.csv",
                "customer",
                "loaded",
                10,
                9,
                1,
                None,
                "2026-11-27 02:00:00",
                "2026-11-27 02:00:05",
            ),
            (
                "R1",
                "erp",
                "res_partner.csv",
                "customer",
                "loaded",
                12,
                12,
                0,
                None,
                "2026-11-27 02:00:00",
                "2026-11-27 02:00:04",
            ),
        ],
        "meta.reject": [
            ("R1", "crm", "companies.csv", "customer", 7, "x;;", "SIRET 123 is not 14 digits"),
        ],
        "meta.build": [
            (build_id, "published", "2026-11-27 02:00:10", "2026-11-27 02:01:00", len(CUSTOMERS)),
        ],
    }


def make_snapshot(path: Path, build_id: str, *, dupont_name: str = "Dupont SARL") -> Path:
    """Write a complete snapshot file at `path`."""
    con = duckdb.connect(str(path))
    try:
        for schema in ("core", "mart", "meta"):
            con.execute(f"create schema {schema}")
        con.execute(f"create table mart.customer_360 ({C360_COLUMNS})")
        for c in CUSTOMERS:
            (
                cid,
                name,
                siren,
                siret,
                vat,
                code,
                email,
                postcode,
                city,
                segment,
                owner,
                outstanding,
                overdue,
                alerts,
                sources,
            ) = c
            name = dupont_name if cid == DUPONT else name
            con.execute(
                """insert into mart.customer_360 (customer_id, name, siren, siret, vat_number,
                customer_code, email, phone, website, street, postcode, city, country, segment,
                owner, lifecycle_stage, payment_terms_days, credit_limit_amount, currency,
                outstanding_amount, overdue_amount, oldest_overdue_days, aging_not_due_amount,
                aging_31_60_amount, credit_utilisation, revenue_ytd_amount, last_order_date,
                alert_count, source_count, has_crm, has_erp, has_accounting, updated_at)
                values (?, ?, ?, ?, ?, ?, ?, '+33478000001', 'https://example.fr', '1 rue X',
                ?, ?, 'FR', ?, ?, 'customer', 30, 5000, 'EUR', ?, ?, 58, 734.56, 500.00,
                0.2469, 1512.13, DATE '2026-11-20', ?, ?, true, true, false,
                TIMESTAMP '2026-11-27 02:00:00')""",
                [
                    cid,
                    name,
                    siren,
                    siret,
                    vat,
                    code,
                    email,
                    postcode,
                    city,
                    segment,
                    owner,
                    outstanding,
                    overdue,
                    alerts,
                    sources,
                ],
            )
        for table, rows in _rows(build_id).items():
            con.execute(f"create table {table} ({_TABLES[table]})")
            if rows:
                marks = ", ".join("?" * len(rows[0]))
                con.executemany(f"insert into {table} values ({marks})", rows)
    finally:
        con.close()
    return path


def publish_snapshot(
    snapshots_dir: Path, build_id: str = BUILD_1, *, dupont_name: str = "Dupont SARL"
) -> Path:
    """Write `<build_id>.duckdb` and point CURRENT at it (as warehouse.publish does)."""
    snapshots_dir.mkdir(parents=True, exist_ok=True)
    path = make_snapshot(snapshots_dir / f"{build_id}.duckdb", build_id, dupont_name=dupont_name)
    write_pointer(snapshots_dir, CURRENT, path.name)
    return path
