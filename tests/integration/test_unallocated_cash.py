"""Unallocated cash: unlettered payments and credit notes cover the oldest debits first.

A hand-made FEC (auxiliary accounts on 411000, tab-separated UTF-8, CR LF, with the
optional DateEcheance column most lines leave empty) and an Odoo export beside it, built by
the production pipeline (ingest, build, checks, publish) and read back from the snapshot
and the API. Six customers as of 2026-11-28:

- ALPHA: three invoices, one unlettered payment of 1,200 that covers the oldest invoice
  (1,000) and 200 of the next; a fully lettered invoice and payment count for nothing.
- BRAVO: the issue's shape: an invoice of 3,000 overdue, an unlettered credit note and
  payment of 500 each: outstanding 2,000, overdue 2,000 (the old aging said 3,000).
- CHARLIE: partial lettering (residual 400), an overpaid lettering group (residual −100)
  and a recent invoice.
- DELTA: paid in advance (1,000 before an invoice of 600): a credit balance of 400; no ERP
  record, so its due dates come from `[receivables] default_terms_days` (20 here).
- ECHO: an opening balance over 90 days late and an invoice not due, no credit.
- FOXTROT: only a credit note: a credit balance of 300.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import duckdb
import pytest
from fastapi.testclient import TestClient
from hand_made import sources_toml

from api import security, store
from api.main import create_app
from ingest.pipeline import ingest
from kernel.connection import connect
from kernel.settings import Settings, load_settings
from kernel.snapshots import current_snapshot
from warehouse.build import build
from warehouse.checks import run_checks

AS_OF = date(2026, 11, 28)
PASSWORD = "s3cret-pass"

FEC_HEADER = (
    "JournalCode\tJournalLib\tEcritureNum\tEcritureDate\tCompteNum\tCompteLib\tCompAuxNum\t"
    "CompAuxLib\tPieceRef\tPieceDate\tEcritureLib\tDebit\tCredit\tEcritureLet\tDateLet\t"
    "ValidDate\tMontantdevise\tIdevise\tDateEcheance"
)
JOURNALS = {"VE": "Ventes", "BQ": "Banque", "AN": "A nouveaux"}
COUNTERPART = {"VE": ("70600000", "Prestations de services"), "BQ": ("51200000", "Banque")}
COUNTERPART["AN"] = ("89000000", "Bilan d'ouverture")
CUSTOMERS = {
    "C001": "Alpha Outillage SARL",
    "C002": "Bravo Négoce SAS",
    "C003": "Charlie Bâtiment",
    "C004": "Delta Services",
    "C005": "Écho Distribution",
    "C006": "Foxtrot Conseil",
}
# (journal, number, entry date, customer, piece ref, piece date, debit, credit, lettering,
#  lettering date, due date): the receivable line; the counterpart line balances it.
ENTRIES = [
    ("VE", "VE0001", "20260501", "C001", "F-A0", "20260501", "900,00", "", "AA", "20260601", ""),
    ("BQ", "BQ0001", "20260601", "C001", "BQ-A0", "20260601", "", "900,00", "AA", "20260601", ""),
    ("VE", "VE0002", "20260801", "C001", "F-A1", "20260801", "1000,00", "", "", "", ""),
    ("VE", "VE0003", "20261010", "C001", "F-A2", "20261010", "2000,00", "", "", "", ""),
    ("VE", "VE0004", "20261115", "C001", "F-A3", "20261115", "1500,00", "", "", "", ""),
    ("BQ", "BQ0002", "20261105", "C001", "BQ-A1", "20261105", "", "1200,00", "", "", ""),
    ("VE", "VE0005", "20260601", "C002", "F-B1", "20260601", "3000,00", "", "", "", "20260701"),
    ("VE", "VE0006", "20260915", "C002", "AV-B1", "20260915", "", "500,00", "", "", ""),
    ("BQ", "BQ0003", "20261001", "C002", "BQ-B1", "20261001", "", "500,00", "", "", ""),
    ("VE", "VE0007", "20260901", "C003", "F-C1", "20260901", "2400,00", "", "AB", "20261001", ""),
    ("BQ", "BQ0004", "20261001", "C003", "BQ-C1", "20261001", "", "2000,00", "AB", "20261001", ""),
    ("VE", "VE0008", "20261020", "C003", "F-C2", "20261020", "1000,00", "", "AC", "20261025", ""),
    ("BQ", "BQ0005", "20261025", "C003", "BQ-C2", "20261025", "", "1100,00", "AC", "20261025", ""),
    ("VE", "VE0009", "20261120", "C003", "F-C3", "20261120", "800,00", "", "", "", ""),
    ("BQ", "BQ0006", "20260920", "C004", "BQ-D1", "20260920", "", "1000,00", "", "", ""),
    ("VE", "VE0010", "20261001", "C004", "F-D1", "20261001", "600,00", "", "", "", ""),
    ("AN", "AN0001", "20260101", "C005", "F-E0", "20251201", "250,00", "", "", "", ""),
    ("VE", "VE0011", "20261120", "C005", "F-E1", "20261120", "700,00", "", "", "", ""),
    ("VE", "VE0012", "20261110", "C006", "AV-F1", "20261110", "", "300,00", "", "", ""),
]

PARTNER_HEADER = (
    '"id","name","is_company","ref","vat","company_registry","email","phone","street","zip",'
    '"city","country_id","user_id","property_payment_term_id","credit_limit","customer_rank",'
    '"category_id","create_date","write_date"'
)
# DELTA has no ERP record: its terms are the default.
TERMS = {"C001": "30 Days", "C002": "60 Days", "C003": "45 Days", "C005": "30 Days"}
TERMS["C006"] = "30 Days"
MOVE_HEADER = (
    '"id","name","move_type","state","partner_id/id","partner_id","invoice_date",'
    '"invoice_date_due","amount_untaxed","amount_tax","amount_total","amount_residual",'
    '"payment_state","currency_id","invoice_origin"'
)
# The ERP's own invoices: their due dates date the ledger lines of the same number. The
# draft F-A1 is not a posted invoice: the ledger's F-A1 falls back to payment terms.
MOVES = [
    ("m1", "F-A2", "posted", "C001", "2026-10-10", "2026-11-20", "2000.00"),
    ("m2", "F-A1", "draft", "C001", "2026-08-01", "2026-09-30", "1000.00"),
    ("m3", "F-C1", "posted", "C003", "2026-09-01", "2026-09-16", "2400.00"),
    ("m4", "F-E1", "posted", "C005", "2026-11-20", "2026-12-20", "700.00"),
]


def _fec_text() -> str:
    lines = [FEC_HEADER]
    for journal, num, day, aux, ref, piece_day, debit, credit, let, let_day, due in ENTRIES:
        label = f"{ref} {CUSTOMERS[aux]}"
        common = [journal, JOURNALS[journal], num, day]
        lines.append(
            "\t".join(
                [*common, "41100000", "Clients", aux, CUSTOMERS[aux], ref, piece_day, label]
                + [debit or "0,00", credit or "0,00", let, let_day, day, "", "", due]
            )
        )
        account, account_label = COUNTERPART[journal]
        lines.append(
            "\t".join(
                [*common, account, account_label, "", "", ref, piece_day, label]
                + [credit or "0,00", debit or "0,00", "", "", day, "", "", ""]
            )
        )
    return "\r\n".join(lines) + "\r\n"


def _partners_text() -> str:
    rows = [PARTNER_HEADER]
    for code, terms in TERMS.items():
        rows.append(
            f'"p_{code}","{CUSTOMERS[code]}","True","{code}","","","","","","","","France",'
            f'"Alice Martin","{terms}","50000.0","1","PME","2024-01-01 00:00:00",'
            '"2026-11-01 00:00:00"'
        )
    return "\n".join(rows) + "\n"


def _moves_text() -> str:
    rows = [MOVE_HEADER]
    for move_id, number, state, code, day, due, total in MOVES:
        rows.append(
            f'"{move_id}","{number}","out_invoice","{state}","p_{code}","{CUSTOMERS[code]}",'
            f'"{day}","{due}","{total}","0.00","{total}","0.00","paid","EUR",""'
        )
    return "\n".join(rows) + "\n"


CONFIG = """\
data_dir = "data"
as_of = "2026-11-28"
secret_key = "test-secret-key-with-enough-bytes-0123456789"

[receivables]
default_terms_days = 20
""" + sources_toml(
    ("erp", "odoo", "erp", "inbox/odoo"), ("compta", "fec", "accounting", "inbox/fec")
)


@dataclass
class Built:
    settings: Settings
    con: duckdb.DuckDBPyConnection
    customer_of: dict[str, str]  # CompAuxNum → golden customer_id


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    root = tmp_path_factory.mktemp("unallocated")
    (root / "inbox/fec").mkdir(parents=True)
    (root / "inbox/odoo").mkdir(parents=True)
    (root / "inbox/fec/732829320FEC20261231.txt").write_bytes(_fec_text().encode("utf-8"))
    (root / "inbox/odoo/res_partner.csv").write_text(_partners_text(), encoding="utf-8")
    (root / "inbox/odoo/account_move.csv").write_text(_moves_text(), encoding="utf-8")
    (root / "c360.toml").write_text(CONFIG, encoding="utf-8")
    settings = load_settings(root / "c360.toml")
    assert ingest(settings).ok
    result = build(settings)
    assert result.published, result.message
    path = current_snapshot(settings.snapshots_dir)
    assert path is not None
    con = connect(path, read_only=True)
    rows = con.execute(
        "select source_id, customer_id from core.customer_xref where source = 'compta'"
    ).fetchall()
    yield Built(settings, con, dict(rows))
    con.close()


def D(value: str) -> Decimal:  # noqa: N802
    return Decimal(value)


BALANCE_COLUMNS = (
    "outstanding_amount, overdue_amount, oldest_overdue_days, unallocated_cash_amount, "
    "credit_balance_amount, aging_not_due_amount, aging_1_30_amount, aging_31_60_amount, "
    "aging_61_90_amount, aging_over_90_amount"
)
# outstanding, overdue, oldest days, unallocated cash, credit balance,
# not due, 1–30, 31–60, 61–90, over 90
EXPECTED = {
    "C001": ("3300.00", "1800.00", 8, "1200.00", "0.00", "1500.00", "1800.00", "0", "0", "0"),
    "C002": ("2000.00", "2000.00", 150, "1000.00", "0.00", "0", "0", "0", "0", "2000.00"),
    "C003": ("1100.00", "300.00", 73, "100.00", "0.00", "800.00", "0", "0", "300.00", "0"),
    "C004": ("-400.00", "0", None, "1000.00", "400.00", "-400.00", "0", "0", "0", "0"),
    "C005": ("950.00", "250.00", 332, "0", "0", "700.00", "0", "0", "0", "250.00"),
    "C006": ("-300.00", "0", None, "300.00", "300.00", "-300.00", "0", "0", "0", "0"),
}


@pytest.mark.parametrize("aux", sorted(EXPECTED))
def test_balances_to_the_cent(built: Built, aux: str) -> None:
    row = built.con.execute(
        f"select {BALANCE_COLUMNS} from mart.customer_360 where customer_id = ?",
        [built.customer_of[aux]],
    ).fetchone()
    expected = tuple(D(v) if isinstance(v, str) else v for v in EXPECTED[aux])
    assert row == expected


# (document_ref, document_date, due_date, due_date_rule, amount_open, amount_allocated,
#  amount_remaining, days_overdue, aging_bucket), in the order the cash covers them.
ITEMS: dict[str, list[tuple[str, str, str, str, str, str, str, int, str | None]]] = {
    "C001": [
        ("F-A1", "2026-08-01", "2026-08-31", "payment_terms", "1000", "1000", "0", 0, None),
        ("F-A2", "2026-10-10", "2026-11-20", "erp_invoice", "2000", "200", "1800", 8, "1_30"),
        ("BQ-A1", "2026-11-05", "2026-12-05", "payment_terms", "-1200", "-1200", "0", 0, None),
        ("F-A3", "2026-11-15", "2026-12-15", "payment_terms", "1500", "0", "1500", 0, "not_due"),
    ],
    "C002": [
        ("F-B1", "2026-06-01", "2026-07-01", "document", "3000", "1000", "2000", 150, "over_90"),
        ("AV-B1", "2026-09-15", "2026-11-14", "payment_terms", "-500", "-500", "0", 0, None),
        ("BQ-B1", "2026-10-01", "2026-11-30", "payment_terms", "-500", "-500", "0", 0, None),
    ],
    "C003": [
        # The partly lettered F-C1 keeps 400, dated by the ERP invoice; the overpaid group
        # leaves −100 dated by its invoice F-C2 (not in the ERP: the customer's 45 days).
        ("F-C1", "2026-09-01", "2026-09-16", "erp_invoice", "400", "100", "300", 73, "61_90"),
        ("F-C2", "2026-10-20", "2026-12-04", "payment_terms", "-100", "-100", "0", 0, None),
        ("F-C3", "2026-11-20", "2027-01-04", "payment_terms", "800", "0", "800", 0, "not_due"),
    ],
    "C004": [
        ("BQ-D1", "2026-09-20", "2026-10-10", "default_terms", "-1000", "-1000", "0", 0, None),
        ("F-D1", "2026-10-01", "2026-10-21", "default_terms", "600", "600", "0", 0, None),
    ],
    "C005": [
        ("F-E0", "2025-12-01", "2025-12-31", "payment_terms", "250", "0", "250", 332, "over_90"),
        ("F-E1", "2026-11-20", "2026-12-20", "erp_invoice", "700", "0", "700", 0, "not_due"),
    ],
    "C006": [
        ("AV-F1", "2026-11-10", "2026-12-10", "payment_terms", "-300", "-300", "0", 0, None),
    ],
}


@pytest.mark.parametrize("aux", sorted(ITEMS))
def test_open_items_allocation_and_due_date_rule(built: Built, aux: str) -> None:
    rows = built.con.execute(
        "select document_ref, document_date, due_date, due_date_rule, amount_open, "
        "amount_allocated, amount_remaining, days_overdue, aging_bucket, basis "
        "from core.open_item where customer_id = ? order by document_date, document_ref",
        [built.customer_of[aux]],
    ).fetchall()
    expected = [
        (
            ref,
            date.fromisoformat(doc),
            date.fromisoformat(due),
            rule,
            D(amount).quantize(D("0.01")),
            D(allocated).quantize(D("0.01")),
            D(remaining).quantize(D("0.01")),
            days,
            bucket,
            "ledger",
        )
        for ref, doc, due, rule, amount, allocated, remaining, days, bucket in ITEMS[aux]
    ]
    assert rows == expected


def test_invariants_hold_for_every_customer(built: Built) -> None:
    rows = built.con.execute(
        "select customer_id, outstanding_amount, overdue_amount, credit_balance_amount, "
        "unallocated_cash_amount, aging_not_due_amount + aging_1_30_amount + aging_31_60_amount "
        "+ aging_61_90_amount + aging_over_90_amount from mart.customer_360"
    ).fetchall()
    assert len(rows) == len(CUSTOMERS)
    for customer_id, outstanding, overdue, credit, cash, buckets in rows:
        assert D("0") <= overdue <= max(outstanding, D("0")), customer_id
        assert buckets == outstanding, customer_id
        assert credit >= 0 and cash >= credit, customer_id
    aging = dict(
        built.con.execute(
            "select customer_id, sum(amount) from mart.ar_aging group by customer_id"
        ).fetchall()
    )
    assert all(aging.get(r[0], D("0")) == r[1] for r in rows)
    # Every item: open = allocated + remaining; what remains of a debit never exceeds it.
    bad = built.con.execute(
        "select * from core.open_item where amount_open <> amount_allocated + amount_remaining "
        "or amount_remaining < 0 or (amount_open < 0 and amount_remaining <> 0) "
        "or due_date_rule not in ('document', 'erp_invoice', 'payment_terms', 'default_terms')"
    ).fetchall()
    assert bad == []
    assert run_checks(built.con) == []


def test_totals_kpi_share_and_aging_total(built: Built) -> None:
    totals = built.con.execute(
        "select sum(outstanding_amount), sum(overdue_amount), sum(unallocated_cash_amount), "
        "sum(credit_balance_amount) from mart.customer_360"
    ).fetchone()
    assert totals == (D("6650.00"), D("4350.00"), D("3600.00"), D("700.00"))
    buckets = dict(built.con.execute("select bucket, amount from mart.ar_aging_total").fetchall())
    assert buckets == {
        "not_due": D("2300.00"),  # 1500 + 800 + 700 − 400 − 300
        "1_30": D("1800.00"),
        "61_90": D("300.00"),
        "over_90": D("2250.00"),
    }
    # One segment and owner for the ERP customers, '(none)' for DELTA (ledger only).
    shares = built.con.execute(
        "select segment, overdue_share from mart.kpi_monthly where month = ? order by segment",
        [date(2026, 11, 1)],
    ).fetchall()
    # PME: overdue 4350 ÷ owed (3300 + 2000 + 1100 + 950 = 7350); DELTA owes nothing.
    assert shares == [("(none)", None), ("PME", D("0.5918"))]


def test_fec_rows_accounted_for(built: Built) -> None:
    run = built.con.execute(
        "select rows_read, rows_loaded, rows_rejected, rows_skipped from meta.ingest_run "
        "where source = 'compta' and object = 'receivable_item'"
    ).fetchall()
    # 19 receivable lines loaded, their 19 counterpart lines out of scope.
    assert run == [(38, 19, 0, 19)]


def test_api_profile_and_open_items(built: Built) -> None:
    security.BCRYPT_ROUNDS = 4
    store.add_user(built.settings, "ada", "admin", PASSWORD)
    try:
        with TestClient(create_app(built.settings)) as client:
            token = client.post(
                "/api/v1/auth/token", data={"username": "ada", "password": PASSWORD}
            ).json()["access_token"]
            headers = {"Authorization": f"Bearer {token}"}
            delta = built.customer_of["C004"]
            financial = client.get(f"/api/v1/customers/{delta}", headers=headers).json()[
                "financial"
            ]
            assert financial["outstanding_amount"] == "-400.00"
            assert financial["overdue_amount"] == "0.00"
            assert financial["unallocated_cash_amount"] == "1000.00"
            assert financial["credit_balance_amount"] == "400.00"
            assert financial["aging"]["not_due"] == "-400.00"
            alpha = built.customer_of["C001"]
            items = client.get(f"/api/v1/customers/{alpha}/open-items", headers=headers).json()
            by_ref = {i["document_ref"]: i for i in items["data"]}
            assert items["count"] == 4
            assert by_ref["F-A2"]["due_date_rule"] == "erp_invoice"
            assert by_ref["F-A2"]["amount_open"] == "2000.00"
            assert by_ref["F-A2"]["amount_allocated"] == "200.00"
            assert by_ref["F-A2"]["amount_remaining"] == "1800.00"
            assert by_ref["F-A2"]["days_overdue"] == 8
            assert by_ref["BQ-A1"]["amount_remaining"] == "0.00"
            kpis = client.get("/api/v1/kpis", headers=headers)
            assert kpis.status_code == 200, kpis.text
            assert all(
                k["overdue_share"] is None or 0 <= k["overdue_share"] <= 1
                for k in kpis.json()["data"]
            )
    finally:
        store.dispose_engines()
