"""The relationship side through ingest and build: last / next activity, open tickets and
quotes, payment behaviour in mart.customer_360, and their alerts.

Hand-made extracts in the shapes real exports take: HubSpot index-page exports (label
headers, every field quoted) of companies, contacts, calls, meetings, tasks, notes,
tickets and quotes; an Odoo export with database ids (partners, quotations, invoices,
payments, a planned activity); SAP KNA1 and BSAD downloads (tab-separated, decimal comma,
trailing minus); Salesforce Data Loader Account, Quote and Order.
as_of = 2026-11-28.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import duckdb
import pytest
from acme_beta import ACTIVITY, COMPANIES, CONTACTS, KNA1, PARTNERS
from clean_build import ingest_and_publish
from hand_made import quoted_csv, write_inbox

from kernel.settings import Settings

Q = '"'


DEALS = quoted_csv(
    ("Record ID", "Deal Name", "Deal Stage", "Amount", "Close Date", "Associated Company IDs"),
    ("4001", "Beta extension", "appointmentscheduled", "9000.00", "2026-12-20", "502"),
)
CALLS = quoted_csv(
    ("Record ID", "Call Title", "Activity date", "Call outcome", "Call status", *ACTIVITY,
     "Associated Deal IDs"),
    ("7001", "Point trimestriel", "2026-11-20 10:00", "Connected", "Completed", "", "501", ""),
    # Only the contact is named: the call belongs to her company.
    ("7002", "Rappel Marie", "2026-11-25 15:30", "Connected", "Completed", "601", "", ""),
    # Only the deal is named: the call belongs to the deal's company.
    ("7003", "Appel extension", "2026-11-26 11:00", "Connected", "Completed", "", "", "4001"),
)  # fmt: skip
MEETINGS = quoted_csv(
    ("Record ID", "Meeting name", "Meeting start time", "Meeting outcome", *ACTIVITY),
    ("7101", "Démo usine", "2026-12-03 09:00", "Scheduled", "", "501"),
    ("7102", "Déjeuner", "2026-11-10 12:00", "Completed", "", "502"),
    ("7103", "Revue budget", "2026-11-27 12:00", "Canceled", "", "502"),
)
TASKS = quoted_csv(
    ("Record ID", "Task Title", "Due date", "Task Status", *ACTIVITY),
    ("7201", "Envoyer CGV", "2026-11-01 09:00", "Not started", "", "501"),  # overdue
    ("7202", "Relancer paiement", "2026-11-15 09:00", "Completed", "", "502"),
)
NOTES = quoted_csv(
    ("Record ID", "Note body", "Activity date", *ACTIVITY),
    ("7301", "Note interne récente", "2026-11-27 18:00", "", "502"),
)
TICKETS = quoted_csv(
    ("Record ID", "Ticket name", "Ticket status", "Priority", "Create date", "Close date",
     *ACTIVITY),
    ("8001", "Panne ligne 2", "New", "Urgent", "2026-11-26 08:00", "", "", "501"),
    ("8002", "Question facture", "Waiting on contact", "Low", "2026-10-01 09:00", "", "601", ""),
    ("8003", "Accès portail", "Closed", "High", "2026-09-01 09:00", "2026-09-02 10:00", "",
     "502"),
)  # fmt: skip
QUOTES = quoted_csv(
    ("Record ID", "Quote name", "Quote number", "Quote status", "Quote amount", "Currency",
     "Expiration date", "Create date", "Associated Company IDs"),
    ("9101", "Devis ligne 3", "Q-101", "Approval not needed", "12000.0", "EUR", "2026-12-31",
     "2026-10-01 09:00", "501"),
    ("9102", "Devis options", "Q-102", "Draft", "800.0", "EUR", "", "2026-11-20 10:00", "501"),
    ("9103", "Devis Beta", "Q-103", "Approval not needed", "3000.0", "EUR", "2026-12-20",
     "2026-11-20 10:00", "502"),
    ("9104", "Devis expiré", "Q-104", "Approval not needed", "5000.0", "EUR", "2026-11-01",
     "2026-09-15 10:00", "502"),
)  # fmt: skip

# S00001 became an order; S00002 is a quotation sent 27 days before as_of.
ORDERS = """id,name,date_order,state,partner_id,amount_untaxed,amount_total,currency_id
1,S00001,2026-05-20 10:00:00,sale,101,1000.00,1200.00,EUR
2,S00002,2026-11-01 10:00:00,sent,101,450.50,540.60,EUR
"""
MOVES = """id,name,move_type,partner_id,state,invoice_date,invoice_date_due,amount_untaxed,amount_total,amount_residual,currency_id
1,INV/2025/0009,out_invoice,101,posted,2025-01-10,2025-02-09,83.33,100.00,0.00,EUR
2,INV/2026/0001,out_invoice,101,posted,2026-06-01,2026-07-01,1000.00,1200.00,0.00,EUR
3,INV/2026/0002,out_invoice,101,posted,2026-08-01,2026-08-31,2000.00,2400.00,0.00,EUR
4,INV/2026/0003,out_invoice,101,posted,2026-09-01,2026-10-01,500.00,600.00,0.00,EUR
5,INV/2026/0004,out_invoice,102,posted,2026-10-01,2026-10-31,833.33,1000.00,500.00,EUR
"""
# PBNK/2026/0002 settles two invoices; Beta's invoice is only half paid; PBNK/2026/0004
# names an unknown partner: loaded, listed as an orphan.
PAYMENTS = """id,name,partner_id,date,amount,currency_id,payment_type,partner_type,state,journal_id,reconciled_invoice_ids
11,PBNK/2025/0001,101,2025-02-10,100.00,EUR,inbound,customer,posted,Bank,INV/2025/0009
12,PBNK/2026/0001,101,2026-06-25,1200.00,EUR,inbound,customer,posted,Bank,INV/2026/0001
13,PBNK/2026/0002,101,2026-09-20,3000.00,EUR,inbound,customer,posted,Bank,"INV/2026/0002,INV/2026/0003"
14,PBNK/2026/0003,102,2026-10-20,500.00,EUR,inbound,customer,posted,Bank,INV/2026/0004
15,PBNK/2026/0004,999,2026-11-02,75.25,EUR,inbound,customer,posted,Bank,INV/2026/0099
"""
MAIL_ACTIVITIES = """id,res_model,res_id,activity_type_id,summary,date_deadline,date_done,active,user_id
1,res.partner,102,Meeting,Visite atelier,2026-12-10,,True,Marc Demo
"""
# Salesforce Data Loader extracts: Q-00011 became order 00000201 (Order.QuoteId), Q-00012 is
# presented (sent) and 40 days old; Q-00013 was accepted.
SF_ACCOUNTS = quoted_csv(
    ("ID", "NAME", "ACCOUNTNUMBER", "TYPE", "BILLINGCITY", "BILLINGPOSTALCODE"),
    ("0015g00000DeLtAAAV", "DELTA INDUSTRIES", "D0001", "Customer - Direct", "Nantes", "44000"),
)
SF_QUOTES = quoted_csv(
    ("ID", "NAME", "QUOTENUMBER", "ACCOUNTID", "STATUS", "EXPIRATIONDATE", "CREATEDDATE",
     "TOTALPRICE", "GRANDTOTAL"),
    ("0Q05g00000Qt011AAA", "Ligne A", "Q-00011", "0015g00000DeLtAAAV", "Presented",
     "2026-12-31", "2026-09-01T09:00:00.000Z", "7000.0", "8400.0"),
    ("0Q05g00000Qt012AAA", "Ligne B", "Q-00012", "0015g00000DeLtAAAV", "Presented",
     "2026-12-31", "2026-10-19T09:00:00.000Z", "1999.99", "2399.99"),
    ("0Q05g00000Qt013AAA", "Ligne C", "Q-00013", "0015g00000DeLtAAAV", "Accepted",
     "2026-12-31", "2026-10-01T09:00:00.000Z", "500.0", "600.0"),
)  # fmt: skip
SF_ORDERS = quoted_csv(
    ("ID", "ACCOUNTID", "ORDERNUMBER", "EFFECTIVEDATE", "STATUSCODE", "TOTALAMOUNT", "QUOTEID"),
    ("8015g00000Or201AAA", "0015g00000DeLtAAAV", "00000201", "2026-09-15", "Activated",
     "7000.0", "0Q05g00000Qt011AAA"),
)  # fmt: skip
BSAD = (
    "MANDT\tBUKRS\tKUNNR\tAUGDT\tAUGBL\tGJAHR\tBELNR\tBUZEI\tBUDAT\tBLDAT\tXBLNR\tBLART\t"
    "BSCHL\tSHKZG\tDMBTR\tWAERS\tHKONT\tZFBDT\tZBD1T\tZBD2T\tZBD3T\tREBZG\n"
    "100\tFR01\t0000100300\t20261015\t1400000001\t2026\t0090000500\t001\t20260901\t20260901\t"
    "0090000500\tRV\t01\tS\t5.000,00\tEUR\t0000411000\t20260901\t30\t0\t0\t\n"
    "100\tFR01\t0000100300\t20261015\t1400000001\t2026\t1400000001\t001\t20261015\t20261015\t"
    "\tDZ\t15\tH\t5.000,00-\tEUR\t0000411000\t20261015\t0\t0\t0\t\n"
)


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    root = tmp_path_factory.mktemp("relationship")
    files = {
        "crm/companies.csv": COMPANIES,
        "crm/deals.csv": DEALS,
        "crm/contacts.csv": CONTACTS,
        "crm/calls.csv": CALLS,
        "crm/meetings.csv": MEETINGS,
        "crm/tasks.csv": TASKS,
        "crm/notes.csv": NOTES,
        "crm/tickets.csv": TICKETS,
        "crm/quotes.csv": QUOTES,
        "erp/res_partner.csv": PARTNERS,
        "erp/sale_order.csv": ORDERS,
        "erp/account_move.csv": MOVES,
        "erp/account_payment.csv": PAYMENTS,
        "erp/mail_activity.csv": MAIL_ACTIVITIES,
        "sf/Account.csv": SF_ACCOUNTS,
        "sf/Quote.csv": SF_QUOTES,
        "sf/Order.csv": SF_ORDERS,
        "sap/KNA1.txt": KNA1,
        "sap/BSAD.txt": BSAD,
    }
    write_inbox(root / "inbox", files)
    settings = Settings(
        data_dir=root / "data",
        as_of="2026-11-28",
        alerts={"quote_unanswered_days": 25},
        sources=[
            {"name": "crm", "system": "hubspot", "role": "crm", "inbox": root / "inbox/crm"},
            {"name": "erp", "system": "odoo", "role": "erp", "inbox": root / "inbox/erp"},
            {"name": "sap", "system": "sap", "role": "accounting", "inbox": root / "inbox/sap"},
            {"name": "sf", "system": "salesforce", "role": "crm", "inbox": root / "inbox/sf"},
        ],
    )
    con = duckdb.connect(str(ingest_and_publish(settings)), read_only=True)
    yield con
    con.close()


def _by_name(con: duckdb.DuckDBPyConnection, columns: str) -> dict[str, tuple[object, ...]]:
    rows = con.execute(f"select name, {columns} from mart.customer_360 order by name").fetchall()
    return {r[0]: tuple(r[1:]) for r in rows}


def test_last_and_next_activity(snapshot: duckdb.DuckDBPyConnection) -> None:
    # ACME: last = the call naming only Marie (her company), next = the overdue open task,
    # before the meeting of 3 December. Beta: last = the call naming only its deal (the
    # cancelled meeting of 27 Nov and the note do not count); next = the Odoo meeting
    # planned on the partner (the same golden customer).
    assert _by_name(
        snapshot,
        "last_activity_date, last_activity_kind, last_activity_subject, next_activity_date, "
        "next_activity_kind, next_activity_subject",
    ) == {
        "ACME SAS": (date(2026, 11, 25), "call", "Rappel Marie", date(2026, 11, 1), "task",
                     "Envoyer CGV"),
        "Beta SARL": (date(2026, 11, 26), "call", "Appel extension", date(2026, 12, 10),
                      "meeting", "Visite atelier"),
        "DELTA INDUSTRIES": (None, None, None, None, None, None),
        "GAMMA SA": (None, None, None, None, None, None),
    }  # fmt: skip


def test_open_tickets_and_quotes(snapshot: duckdb.DuckDBPyConnection) -> None:
    # ACME: the urgent ticket and the one raised by Marie (waiting on her); the sent and
    # draft HubSpot quotes and the Odoo quotation sent; S00001 is an order, not a quote.
    # Beta: its closed ticket is not open; its expired quote is not open.
    assert _by_name(
        snapshot,
        "open_ticket_count, oldest_open_ticket_date, open_ticket_top_priority, "
        "open_quote_count, open_quotes_amount, oldest_open_quote_days",
    ) == {
        "ACME SAS": (2, date(2026, 10, 1), "urgent", 3, Decimal("13250.50"), 58),
        "Beta SARL": (0, None, None, 1, Decimal("3000.00"), 8),
        # Q-00011 became an order, Q-00013 was accepted: only Q-00012 is open.
        "DELTA INDUSTRIES": (0, None, None, 1, Decimal("1999.99"), 40),
        "GAMMA SA": (0, None, None, 0, Decimal("0.00"), None),
    }


def test_payment_behaviour(snapshot: duckdb.DuckDBPyConnection) -> None:
    # Days-to-pay per invoice: the payment naming it (one payment settling two invoices
    # dates both), or the SAP clearing date; Beta's half-paid invoice is not settled.
    assert snapshot.execute(
        "select invoice_number, issue_date, due_date, amount, paid_date, days_to_pay, "
        "days_late, paid_on_time, basis from core.invoice_payment order by paid_date"
    ).fetchall() == [
        ("INV/2025/0009", date(2025, 1, 10), date(2025, 2, 9), Decimal("100.00"),
         date(2025, 2, 10), 31, 1, False, "payment"),
        ("INV/2026/0001", date(2026, 6, 1), date(2026, 7, 1), Decimal("1200.00"),
         date(2026, 6, 25), 24, -6, True, "payment"),
        ("INV/2026/0002", date(2026, 8, 1), date(2026, 8, 31), Decimal("2400.00"),
         date(2026, 9, 20), 50, 20, False, "payment"),
        ("INV/2026/0003", date(2026, 9, 1), date(2026, 10, 1), Decimal("600.00"),
         date(2026, 9, 20), 19, -11, True, "payment"),
        ("0090000500", date(2026, 9, 1), date(2026, 10, 1), Decimal("5000.00"),
         date(2026, 10, 15), 44, 14, False, "clearing"),
    ]  # fmt: skip
    # Over the 12 months to as_of (the 2025 invoice is out): median of 24, 50, 19 days.
    assert _by_name(
        snapshot,
        "paid_invoice_count_12m, median_days_to_pay_12m, on_time_rate_12m, last_payment_date",
    ) == {
        "ACME SAS": (3, Decimal("24.0"), Decimal("0.6667"), date(2026, 9, 20)),
        "Beta SARL": (0, None, None, None),
        "DELTA INDUSTRIES": (0, None, None, None),
        "GAMMA SA": (1, Decimal("44.0"), Decimal("0.0000"), date(2026, 10, 15)),
    }


def test_relationship_alerts(snapshot: duckdb.DuckDBPyConnection) -> None:
    # quote_unanswered_days = 25: Q-101 (58 days) and S00002 (27 days) are unanswered; the
    # draft Q-102 was never sent; Beta's Q-103 is 8 days old; Delta's Q-00012 (40 days) is,
    # but not Q-00011 (88 days), which became order 00000201.
    rows = snapshot.execute(
        "select c.name, a.alert_type, a.severity, a.message, a.amount from mart.alert as a "
        "join mart.customer_360 as c using (customer_id) "
        "where a.alert_type in ('urgent_ticket', 'quote_unanswered') "
        "order by a.alert_type, a.message"
    ).fetchall()
    assert rows == [
        ("DELTA INDUSTRIES", "quote_unanswered", "medium",
         "Quote Q-00012 sent 40 days ago is still unanswered", Decimal("1999.99")),
        ("ACME SAS", "quote_unanswered", "medium",
         "Quote Q-101 sent 58 days ago is still unanswered", Decimal("12000.00")),
        ("ACME SAS", "quote_unanswered", "medium",
         "Quote S00002 sent 27 days ago is still unanswered", Decimal("450.50")),
        ("ACME SAS", "urgent_ticket", "high",
         "Urgent ticket 8001 (Panne ligne 2) open since 2026-11-26", None),
    ]  # fmt: skip


def test_payment_naming_no_known_customer_is_an_orphan(snapshot: duckdb.DuckDBPyConnection) -> None:
    assert snapshot.execute(
        "select check_name, source, document_ref, customer_source_id, reason, amount "
        "from core.orphan where object = 'payment'"
    ).fetchall() == [
        ("orphan_payment", "erp", "PBNK/2026/0004", "999", "unknown_customer", Decimal("75.25"))
    ]
    assert snapshot.execute(
        "select detail from mart.data_quality where check_name = 'orphan_payment'"
    ).fetchall() == [
        ("Payment PBNK/2026/0004 names customer 999, unknown in erp; amount 75.25 EUR",)
    ]
