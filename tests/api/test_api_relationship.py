"""The relationship lists through the API, over a snapshot built by ingest + build from
hand-made extracts in the vendors' shapes: HubSpot index-page exports (companies with
their owner, contacts, calls, tasks, meetings, tickets, quotes) and an Odoo export
(partners, sale orders and quotations, sale.order.line, products, invoices, payments).

/activities, /tickets, /quotes, /payments, /products, the timeline and the profile's
relationship part; a salesperson reads only their own customer's lists. as_of 2026-11-28.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import duckdb
import pytest
from acme_beta import ACTIVITY, CONTACTS, PARTNERS
from clean_build import ingest_and_publish
from fastapi.testclient import TestClient
from hand_made import quoted_csv, write_inbox

from api import security, store
from api.main import create_app
from kernel.settings import Settings

security.BCRYPT_ROUNDS = 4
PASSWORD = "s3cret-pass"
Q = '"'


COMPANIES = quoted_csv(
    ("Record ID", "Company name", "City", "Postal Code", "Lifecycle Stage", "Code client ERP",
     "Company owner"),
    ("501", "ACME SAS", "Lyon", "69001", "customer", "C101", "Alice Martin"),
    ("502", "Beta SARL", "Paris", "75002", "customer", "C102", "Bob Durand"),
)  # fmt: skip
CALLS = quoted_csv(
    ("Record ID", "Call Title", "Activity date", "Call outcome", "Call status", *ACTIVITY,
     "Activity assigned to"),
    ("7001", "Point trimestriel", "2026-11-20 10:00", "Connected", "Completed", "", "501",
     "Alice Martin"),
    # Only the contact is named: the call belongs to her company.
    ("7002", "Rappel Marie", "2026-11-25 15:30", "Connected", "Completed", "601", "",
     "Alice Martin"),
    # A contact deleted since (unknown here): the company named carries it.
    ("7003", "Appel ancien acheteur", "2026-11-18 09:00", "Left voicemail", "Completed",
     "699", "502", "Bob Durand"),
)  # fmt: skip
TASKS = quoted_csv(
    ("Record ID", "Task Title", "Due date", "Task Status", *ACTIVITY),
    ("7201", "Envoyer CGV", "2026-11-01 09:00", "Not started", "", "501"),
)
MEETINGS = quoted_csv(
    ("Record ID", "Meeting name", "Meeting start time", "Meeting outcome", *ACTIVITY),
    ("7101", "Démo usine", "2026-12-03 09:00", "Scheduled", "", "501"),
)
TICKETS = quoted_csv(
    ("Record ID", "Ticket name", "Ticket status", "Priority", "Create date", "Close date",
     *ACTIVITY),
    ("8001", "Panne ligne 2", "New", "Urgent", "2026-11-26 08:00", "", "", "501"),
    ("8002", "Accès portail", "Closed", "High", "2026-09-01 09:00", "2026-09-02 10:00", "",
     "501"),
)  # fmt: skip
# Q-105 was e-signed: accepted, a quote won.
QUOTES = quoted_csv(
    ("Record ID", "Quote name", "Quote number", "Quote status", "Signature status",
     "Quote amount", "Currency", "Expiration date", "Create date", "Associated Company IDs"),
    ("9101", "Devis ligne 3", "Q-101", "Approval not needed", "", "12000.0", "EUR",
     "2026-12-31", "2026-10-01 09:00", "501"),
    ("9104", "Devis expiré", "Q-104", "Approval not needed", "", "5000.0", "EUR", "2026-11-01",
     "2026-09-15 10:00", "501"),
    ("9105", "Devis signé", "Q-105", "Approval not needed", "Signed", "2000.0", "EUR",
     "2026-12-31", "2026-09-20 10:00", "501"),
)  # fmt: skip

# S00001 and S00003 are orders; S00002 is a quotation sent (a draft order, not a purchase).
ORDERS = """id,name,date_order,state,partner_id,amount_untaxed,amount_total,currency_id
1,S00001,2026-05-20 10:00:00,sale,101,2010.90,2413.08,EUR
2,S00002,2026-11-01 10:00:00,sent,101,450.50,540.60,EUR
3,S00003,2026-10-05 10:00:00,sale,101,593.75,712.50,EUR
"""
ORDER_LINES = """id,order_id/id,sequence,product_id,name,product_uom_qty,price_unit,discount,price_subtotal,currency_id
11,1,10,[CHAIR] Office chair,[CHAIR] Office chair,10.00,120.00,0.00,1200.00,EUR
12,1,20,[DESK] Standing desk,[DESK] Standing desk,2.00,450.50,10.00,810.90,EUR
21,2,10,[DESK] Standing desk,[DESK] Standing desk,1.00,450.50,0.00,450.50,EUR
31,3,10,[CHAIR] Office chair,[CHAIR] Office chair,5.00,125.00,5.00,593.75,EUR
"""
MOVES = """id,name,move_type,partner_id,state,invoice_date,invoice_date_due,amount_untaxed,amount_total,amount_residual,currency_id
1,INV/2025/0009,out_invoice,101,posted,2025-01-10,2025-02-09,83.33,100.00,0.00,EUR
2,INV/2026/0001,out_invoice,101,posted,2026-06-01,2026-07-01,1000.00,1200.00,0.00,EUR
3,INV/2026/0002,out_invoice,101,posted,2026-08-01,2026-08-31,2000.00,2400.00,0.00,EUR
4,INV/2026/0003,out_invoice,101,posted,2026-09-01,2026-10-01,500.00,600.00,0.00,EUR
"""
# PBNK/2026/0002 settles two invoices at once.
PAYMENTS = """id,name,partner_id,date,amount,currency_id,payment_type,partner_type,state,journal_id,reconciled_invoice_ids
11,PBNK/2025/0001,101,2025-02-10,100.00,EUR,inbound,customer,posted,Bank,INV/2025/0009
12,PBNK/2026/0001,101,2026-06-25,1200.00,EUR,inbound,customer,posted,Bank,INV/2026/0001
13,PBNK/2026/0002,101,2026-09-20,3000.00,EUR,inbound,customer,posted,Bank,"INV/2026/0002,INV/2026/0003"
"""

USERS = {
    "admin": ("admin", None),
    "alice": ("sales", "Alice Martin"),
    "eric": ("executive", None),
}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, str, str]]:
    root = tmp_path_factory.mktemp("relationship_api")
    files = {
        "crm/companies.csv": COMPANIES,
        "crm/contacts.csv": CONTACTS,
        "crm/calls.csv": CALLS,
        "crm/tasks.csv": TASKS,
        "crm/meetings.csv": MEETINGS,
        "crm/tickets.csv": TICKETS,
        "crm/quotes.csv": QUOTES,
        "erp/res_partner.csv": PARTNERS,
        "erp/sale_order.csv": ORDERS,
        "erp/sale_order_line.csv": ORDER_LINES,
        "erp/account_move.csv": MOVES,
        "erp/account_payment.csv": PAYMENTS,
    }
    write_inbox(root / "inbox", files)
    settings = Settings(
        data_dir=root / "data",
        as_of="2026-11-28",
        secret_key="test-secret-key-with-enough-bytes-0123456789",
        sources=[
            {"name": "crm", "system": "hubspot", "role": "crm", "inbox": root / "inbox/crm"},
            {"name": "erp", "system": "odoo", "role": "erp", "inbox": root / "inbox/erp"},
        ],
    )
    con = duckdb.connect(str(ingest_and_publish(settings)), read_only=True)
    ids = dict(con.execute("select name, customer_id from mart.customer_360").fetchall())
    con.close()
    for name, (role, owner) in USERS.items():
        store.add_user(settings, name, role, PASSWORD, owner_name=owner)
    with TestClient(create_app(settings)) as client:
        yield client, ids["ACME SAS"], ids["Beta SARL"]
    store.dispose_engines()


_TOKENS: dict[tuple[int, str], str] = {}


def _get(client: TestClient, user: str, path: str) -> Any:
    # One login per user: the login throttle refuses a burst of them.
    key = (id(client), user)
    if key not in _TOKENS:
        token = client.post("/api/v1/auth/token", data={"username": user, "password": PASSWORD})
        _TOKENS[key] = token.json()["access_token"]
    return client.get(f"/api/v1{path}", headers={"Authorization": f"Bearer {_TOKENS[key]}"})


def _data(client: TestClient, path: str, user: str = "alice") -> list[dict[str, Any]]:
    resp = _get(client, user, path)
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["count"] == len(body["data"])
    return list(body["data"])


def test_activities_latest_first(built: tuple[TestClient, str, str]) -> None:
    client, acme, beta = built
    rows = _data(client, f"/customers/{acme}/activities")
    assert [
        (r["occurred_at"], r["kind"], r["subject"], r["status"], r["contact_name"]) for r in rows
    ] == [
        ("2026-12-03T09:00:00Z", "meeting", "Démo usine", "open", None),
        ("2026-11-25T15:30:00Z", "call", "Rappel Marie", "done", "Marie Durand"),
        ("2026-11-20T10:00:00Z", "call", "Point trimestriel", "done", None),
        ("2026-11-01T09:00:00Z", "task", "Envoyer CGV", "open", None),
    ]
    # The call naming a deleted contact stays on the company it names.
    beta_rows = _data(client, f"/customers/{beta}/activities", user="admin")
    assert [(r["subject"], r["contact_source_id"], r["contact_name"]) for r in beta_rows] == [
        ("Appel ancien acheteur", "699", None)
    ]


def test_tickets_open_first(built: tuple[TestClient, str, str]) -> None:
    client, acme, _ = built
    rows = _data(client, f"/customers/{acme}/tickets")
    assert [(r["ticket_number"], r["status"], r["priority"], r["is_open"]) for r in rows] == [
        ("8001", "open", "urgent", True),
        ("8002", "closed", "high", False),
    ]


def test_quotes_with_outcome(built: tuple[TestClient, str, str]) -> None:
    client, acme, _ = built
    rows = _data(client, f"/customers/{acme}/quotes")
    assert [
        (r["quote_number"], r["outcome"], r["amount_excl_tax"], r["age_days"], r["decided_date"])
        for r in rows
    ] == [
        ("S00002", "open", "450.50", 27, None),
        ("Q-101", "open", "12000.00", 58, None),
        ("Q-105", "accepted", "2000.00", None, None),
        ("Q-104", "expired", "5000.00", None, "2026-11-01"),
    ]


def test_payments_days_to_pay(built: tuple[TestClient, str, str]) -> None:
    client, acme, _ = built
    rows = _data(client, f"/customers/{acme}/payments")
    assert [
        (r["invoice_number"], r["amount"], r["paid_date"], r["payment_refs"], r["days_to_pay"],
         r["days_late"], r["paid_on_time"])
        for r in rows
    ] == [
        ("INV/2026/0002", "2400.00", "2026-09-20", "PBNK/2026/0002", 50, 20, False),
        ("INV/2026/0003", "600.00", "2026-09-20", "PBNK/2026/0002", 19, -11, True),
        ("INV/2026/0001", "1200.00", "2026-06-25", "PBNK/2026/0001", 24, -6, True),
        ("INV/2025/0009", "100.00", "2025-02-10", "PBNK/2025/0001", 31, 1, False),
    ]  # fmt: skip


def test_products_top_first(built: tuple[TestClient, str, str]) -> None:
    # The quotation S00002 (a draft order) is not a purchase.
    client, acme, _ = built
    rows = _data(client, f"/customers/{acme}/products")
    assert [
        (r["product_rank"], r["product_code"], r["order_count"], r["quantity_total"],
         r["amount_12m"], r["amount_total"], r["last_purchase_date"], r["last_order_reference"],
         r["last_unit_price"], r["last_discount_percent"])
        for r in rows
    ] == [
        (1, "CHAIR", 2, "15.00", "1793.75", "1793.75", "2026-10-05", "S00003", "125.00",
         "5.00"),
        (2, "DESK", 1, "2.00", "810.90", "810.90", "2026-05-20", "S00001", "450.50", "10.00"),
    ]  # fmt: skip


def test_profile_relationship(built: tuple[TestClient, str, str]) -> None:
    client, acme, _ = built
    resp = _get(client, "alice", f"/customers/{acme}")
    assert resp.status_code == 200, resp.text
    rel = resp.json()["relationship"]
    assert rel == {
        "last_activity_date": "2026-11-25",
        "last_activity_kind": "call",
        "last_activity_subject": "Rappel Marie",
        "next_activity_date": "2026-11-01",
        "next_activity_kind": "task",
        "next_activity_subject": "Envoyer CGV",
        "open_ticket_count": 1,
        "oldest_open_ticket_date": "2026-11-26",
        "open_ticket_top_priority": "urgent",
        "open_quote_count": 2,
        "open_quotes_amount": "12450.50",
        "oldest_open_quote_days": 58,
        "paid_invoice_count_12m": 3,
        "median_days_to_pay_12m": 24.0,
        "on_time_rate_12m": 0.6667,
        # The 12 months before: the one invoice paid in 31 days, late.
        "median_days_to_pay_prev_12m": 31.0,
        "on_time_rate_prev_12m": 0.0,
        "days_to_pay_trend": "faster",
        "last_payment_date": "2026-09-20",
        "last_purchase_date": "2026-10-05",
        "top_product": "[CHAIR] Office chair",
    }


def test_timeline_holds_the_relationship(built: tuple[TestClient, str, str]) -> None:
    client, acme, _ = built
    rows = _data(client, f"/customers/{acme}/timeline?limit=200")
    kinds = {(r["event_type"], r["reference"]) for r in rows}
    assert {
        ("activity", "Rappel Marie"),
        ("activity", "Démo usine"),
        ("ticket", "8001"),
        ("quote", "Q-104"),
        ("payment", "INV/2026/0002;INV/2026/0003"),
    } <= kinds
    first = rows[0]
    assert (first["event_date"], first["event_type"], first["kind"]) == (
        "2026-12-03",
        "activity",
        "meeting",
    )
    dates = [r["event_date"] for r in rows if r["event_date"]]
    assert dates == sorted(dates, reverse=True)


def test_salesperson_reads_only_own_lists(built: tuple[TestClient, str, str]) -> None:
    client, acme, beta = built
    for sub in ("activities", "tickets", "quotes", "payments", "products"):
        assert _get(client, "alice", f"/customers/{beta}/{sub}").status_code == 403, sub
        assert _get(client, "alice", f"/customers/{acme}/{sub}").status_code == 200, sub


def test_lists_page_by_cursor(built: tuple[TestClient, str, str]) -> None:
    client, acme, _ = built
    first = _get(client, "alice", f"/customers/{acme}/activities?limit=3").json()
    assert first["count"] == 4 and len(first["data"]) == 3 and first["next_cursor"]
    rest = _get(
        client, "alice", f"/customers/{acme}/activities?limit=3&cursor={first['next_cursor']}"
    ).json()
    assert [r["subject"] for r in rest["data"]] == ["Envoyer CGV"]
    assert rest["next_cursor"] is None


def test_unknown_customer_is_404(built: tuple[TestClient, str, str]) -> None:
    client, _, _ = built
    assert _get(client, "admin", "/customers/C9999999/payments").status_code == 404


KPI_FIELDS = (
    "quotes_issued_count",
    "quotes_won_count",
    "quotes_lost_count",
    "quote_conversion_rate",
    "open_quote_count",
    "open_quote_amount",
    "open_quote_age_days_total",
    "open_quote_over_30_days_count",
    "tickets_opened_count",
    "tickets_closed_count",
    "paid_invoice_count",
    "days_to_pay_total",
    "paid_on_time_count",
    "avg_days_to_pay",
)


def test_kpi_rows_hold_the_relationship(built: tuple[TestClient, str, str]) -> None:
    client, _, _ = built
    rows = _data(client, "/kpis?limit=5000", user="eric")
    alice = {
        r["month"]: tuple(r[f] for f in KPI_FIELDS) for r in rows if r["owner"] == "Alice Martin"
    }
    # Sept.: Q-104 expired and Q-105 accepted (conversion 1/2); ticket 8002 opened and
    # closed; INV/2026/0002 and 0003 settled by one payment, 50 + 19 days.
    assert alice["2026-09-01"] == (2, 1, 1, 0.5, 0, "0.00", 0, 0, 1, 1, 2, 69, 1, 34.5)
    assert alice["2026-10-01"] == (1, 0, 0, None, 0, "0.00", 0, 0, 0, 0, 0, 0, 0, None)
    # The as-of month: the open quotes Q-101 (58 days) and S00002 (27 days).
    assert alice["2026-11-01"] == (1, 0, 0, None, 2, "12450.50", 85, 1, 1, 0, 0, 0, 0, None)
    assert alice["2026-06-01"][10:] == (1, 24, 1, 24.0)
    assert alice["2025-02-01"][10:] == (1, 31, 0, 31.0)


def test_kpi_summary_relationship(built: tuple[TestClient, str, str]) -> None:
    client, _, _ = built
    resp = _get(client, "eric", "/kpis/summary?from=2025-01&to=2026-11")
    assert resp.status_code == 200, resp.text
    rel = resp.json()["relationship"]
    months = {
        m["month"]: (
            m["quotes_issued_count"], m["quote_conversion_rate"], m["tickets_opened_count"],
            m["tickets_closed_count"], m["paid_invoice_count"], m["avg_days_to_pay"],
        )
        for m in rel["months"]
    }  # fmt: skip
    assert months == {
        "2025-02-01": (0, None, 0, 0, 1, 31.0),
        "2026-06-01": (0, None, 0, 0, 1, 24.0),
        "2026-09-01": (2, 0.5, 1, 1, 2, 34.5),
        "2026-10-01": (1, None, 0, 0, 0, None),
        "2026-11-01": (1, None, 1, 0, 0, None),
    }
    # Average days-to-pay by segment: (31 + 24 + 50 + 19) / 4; 2 of 4 on time.
    assert rel["segments"] == [
        {
            "segment": "(none)",
            "paid_invoice_count": 4,
            "avg_days_to_pay": 31.0,
            "on_time_rate": 0.5,
            "quotes_issued_count": 4,
            "quote_conversion_rate": 0.5,
        }
    ]
    assert [(b["bucket"], b["quote_count"], b["amount"]) for b in rel["quote_ageing"]] == [
        ("0-15", 0, "0.00"),
        ("16-30", 1, "450.50"),
        ("31-60", 1, "12000.00"),
        ("61-90", 0, "0.00"),
        ("over_90", 0, "0.00"),
    ]
