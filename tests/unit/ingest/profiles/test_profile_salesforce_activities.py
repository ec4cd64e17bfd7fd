"""Salesforce Task, Event and Case (Data Loader upper-case and API-name headers); Order.QuoteId."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tests.unit.ingest.profiles.conftest import Load

ACME = "0015g00000AbCdEAAV"
BETA = "0015g00000BcdefAAB"
OWNER = "0055g00000XyZabAAF"


def test_salesforce_activities_and_cases(load: Load) -> None:
    db = load("salesforce", "salesforce_activities")
    assert db.runs() == {
        ("Task.csv", "activity"): ("loaded", 4, 4, 0, 0),
        ("Event.csv", "activity"): ("loaded", 2, 2, 0, 0),
        ("Case.csv", "ticket"): ("loaded", 4, 4, 0, 0),
        ("Order.csv", "sales_order"): ("loaded", 1, 1, 0, 0),
    }
    assert db.rejects() == []
    # A WhatId that is an opportunity (006…) links the activity through its account.
    assert db.rows("activity", "source_id, opportunity_source_id")[:2] == [
        ("00T5g00000Tsk01AAA", "0065g00000OppAaAAJ"),
        ("00T5g00000Tsk02AAA", None),
    ]
    # TaskSubtype gives call / email / task; a done task is dated when completed, an open one
    # by its due date; the account comes from AccountId, else a WhatId that is an account
    # (001…); a lead (00Q…) is no contact; IsDeleted loads flagged. Events are meetings.
    assert db.rows(
        "activity",
        "source_id, customer_source_id, contact_source_id, kind, subject, occurred_at, status, "
        "outcome, owner, is_deleted",
    ) == [
        ("00T5g00000Tsk01AAA", ACME, "0035g00000CcCcCAAA", "call", "Call about renewal",
         datetime(2026, 3, 2, 14, 5), "done", "Left voicemail", OWNER, False),
        ("00T5g00000Tsk02AAA", ACME, None, "task", "Send price list", datetime(2026, 2, 27),
         "open", None, OWNER, False),
        ("00T5g00000Tsk03AAA", None, None, "email", "Email: your quote",
         datetime(2026, 3, 1, 7, 30), "done", None, OWNER, False),
        ("00T5g00000Tsk04AAA", BETA, None, "task", "Old task", datetime(2025, 1, 10, 10, 0),
         "done", None, OWNER, True),
        ("00U5g00000Evt01AAA", ACME, "0035g00000CcCcCAAV", "meeting", "Quarterly review",
         datetime(2026, 2, 12, 13, 0), "open", None, OWNER, False),
        ("00U5g00000Evt02AAA", BETA, None, "meeting", "Site visit", datetime(2026, 4, 8, 8, 30),
         "open", None, OWNER, False),
    ]  # fmt: skip
    # Critical → urgent; On Hold waits on the customer (pending); IsClosed closes.
    assert db.rows(
        "ticket",
        "source_id, customer_source_id, contact_source_id, ticket_number, subject, status, "
        "priority, opened_at, closed_at",
    ) == [
        ("5005g00000Cas01AAA", ACME, "0035g00000CcCcCAAV", "00001026", "Invoice shows wrong VAT",
         "open", "high", datetime(2026, 3, 3, 9, 0), None),
        ("5005g00000Cas02AAA", ACME, None, "00001027", "Login broken", "open", "urgent",
         datetime(2026, 3, 5, 10, 0), None),
        ("5005g00000Cas03AAA", None, "0035g00000CcCcCAAV", "00001028", "Training request",
         "pending", "low", datetime(2026, 1, 20, 10, 0), None),
        ("5005g00000Cas04AAA", BETA, None, "00001029", "Delivery late", "closed", "medium",
         datetime(2026, 1, 10, 8, 0), datetime(2026, 1, 14, 16, 0)),
    ]  # fmt: skip
    # The order a quote became: Order.QuoteId, in 18 characters.
    assert db.rows("sales_order", "source_id, quote_source_id, order_date, amount_excl_tax") == [
        ("8015g00000Ord09AAA", "0Q05g00000Qte02CAB", date(2026, 2, 16), Decimal("4800.50"))
    ]
