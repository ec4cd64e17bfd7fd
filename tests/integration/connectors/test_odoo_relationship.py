"""Odoo sale.order.line, product.product, account.payment, mail.activity, mail.message,
helpdesk.ticket and res.users: read by default from the JSON-2 / JSON-RPC fake, landed and
staged with exact rows; a database without Helpdesk costs only helpdesk.ticket; rate
limits, write_date increments and full-extract deletions behave as for partners."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from connector_harness import Harness, read_pages
from fake_odoo import LOGIN
from relationship_harness import fetch_and_stage, settings_for, staged_from

from ingest.fetch import save_watermark

ACTIVITY = "source_id, customer_source_id, kind, subject, occurred_at, status, owner"
# Activities and logged messages; a message's id is prefixed (ids are per model). Each is
# linked to the partner of its document: the partner itself, an order's or an invoice's
# customer. Owners are res.users ids (named from res.users); a comment's author is named.
ACTIVITIES = [
    ("301", "7", "call", "Rappeler pour le devis", datetime(2026, 3, 6), "open", "2"),
    ("302", "8", "email", "Email", datetime(2026, 2, 26, 10, 12), "done", "2"),
    ("303", "12", "task", "Relancer signature", datetime(2026, 3, 10), "open", "7"),
    ("mail.message/501", "7", "note", "Client rappelé : attend le devis révisé",
     datetime(2026, 3, 2, 9, 15), "done", "Mitchell Admin"),
    ("mail.message/502", "12", "email", "Re: S00012", datetime(2026, 3, 3, 16, 40, 12), "done",
     None),
    ("mail.message/503", "5", "email", "Relance envoyée", datetime(2026, 3, 4, 8, 0), "done",
     "Mitchell Admin"),
]  # fmt: skip


def test_every_profile_object_is_read_by_default(tmp_path: Path, odoo: Harness) -> None:
    with staged_from(settings_for(tmp_path / "data", odoo), odoo) as staged:
        counts = staged.by_object()
        # A draft receipt is skipped by the profile; the supplier payment and the section
        # line were never read (the connector's domains).
        assert {k: counts[k] for k in ("order_line", "product", "payment", "activity")} == {
            "order_line": (2, 2, 0, 0),
            "product": (2, 2, 0, 0),
            "payment": (3, 2, 0, 1),
            "activity": (6, 6, 0, 0),
        }
        assert counts["ticket"] == (2, 2, 0, 0) and counts["owner"] == (3, 3, 0, 0)
        assert staged.rows("activity", ACTIVITY) == ACTIVITIES
        assert staged.rows(
            "payment",
            "source_id, customer_source_id, payment_number, payment_date, amount, currency, "
            "invoice_ref, method",
        ) == [
            ("201", "8", "PBNK1/2026/00012", date(2026, 2, 20), Decimal("6000.00"), "EUR",
             "7;9", "Manual Payment"),
            ("202", "7", "PBNK1/2026/00013", date(2026, 3, 1), Decimal("1250.50"), "EUR", "11",
             "SEPA Credit Transfer"),
        ]  # fmt: skip
        # The internal reference from the product's display name "[FURN_8888] Office Lamp".
        assert staged.rows(
            "order_line",
            "source_id, order_source_id, line_number, product_code, description, quantity, "
            "unit_price, discount_percent, amount_excl_tax, currency",
        ) == [
            ("90", "1", 10, "FURN_8888", "[FURN_8888] Office Lamp", Decimal("20.0000"),
             Decimal("125.0000"), Decimal("0.0000"), Decimal("2500.00"), "EUR"),
            ("91", "1", 20, "Installation", "Installation sur site", Decimal("1.0000"),
             Decimal("2777.7800"), Decimal("10.0000"), Decimal("2500.00"), "EUR"),
        ]  # fmt: skip
        assert staged.rows(
            "product", "source_id, product_code, name, family, list_price, is_active, currency"
        ) == [
            ("21", "FURN_8888", "Office Lamp", "All / Saleable / Office Furniture",
             Decimal("125.0000"), True, "EUR"),
            ("22", None, "Installation", "All / Services", Decimal("0.0000"), False, "EUR"),
        ]  # fmt: skip
        # Priority '3' is urgent; a folded "Solved" stage with a close date is closed.
        assert staged.rows(
            "ticket",
            "source_id, customer_source_id, ticket_number, subject, status, priority, "
            "opened_at, closed_at, owner",
        ) == [
            ("11", "7", "11", "Imprimante bloquée", "open", "urgent",
             datetime(2026, 3, 4, 8, 15), None, "2"),
            ("13", "8", "13", "Mot de passe", "closed", "low", datetime(2026, 1, 15, 9, 0),
             datetime(2026, 1, 15, 12, 0), None),
        ]  # fmt: skip


def test_message_pages_name_their_document_partner(tmp_path: Path, odoo: Harness) -> None:
    result = odoo.fetch(tmp_path, objects=["mail.message"])
    assert result.records == {"mail.message": 3}
    first = read_pages(tmp_path, "mail.message")[0]
    assert [(m["id"], m["model"], m["res_id"], m["record_partner_id"]) for m in first] == [
        (501, "res.partner", 7, 7),
        (502, "sale.order", 12, 12),
        (503, "account.move", 5, 5),
    ]
    assert first[0]["subtype_id"] == 2 and first[0]["subtype_id__name"] == "Note"
    assert first[1]["subject"] == "Re: S00012" and first[0]["subject"] is None
    # One search_read per page for the messages, one per document model (not per message).
    calls = [r.path for r in odoo.fake.requests]
    assert calls == [
        "/json/2/mail.message/fields_get",
        "/json/2/mail.message/search_read",
        "/json/2/sale.order/search_read",
        "/json/2/account.move/search_read",
    ]


def test_json_rpc_reads_the_same_messages(tmp_path: Path, odoo: Harness) -> None:
    options = {"protocol": "jsonrpc", "login": LOGIN}
    result = odoo.fetch(tmp_path, objects=["mail.message", "mail.activity"], options=options)
    assert result.records == {"mail.message": 3, "mail.activity": 3}
    activities = read_pages(tmp_path, "mail.activity")[0]
    assert [(a["id"], a["record_partner_id"]) for a in activities] == [
        (301, 7),
        (302, 8),
        (303, 12),
    ]


def test_incremental_activity_and_full_extract_deletion(tmp_path: Path, odoo: Harness) -> None:
    settings = settings_for(tmp_path / "data", odoo, extract="incremental")
    first = fetch_and_stage(settings, odoo)
    save_watermark(settings, "crm", first.fetched.watermarks["crm"])
    first.close()
    # The activity is marked done (archived with date_done) after the last read.
    odoo.fake.write("mail.activity", 301, 900, active=False, date_done="2026-03-06 11:00:00")
    odoo.fake.requests.clear()
    with staged_from(settings, odoo) as second:
        domains = [r.body for r in odoo.fake.requests if b"write_date" in r.body]
        assert domains, "an incremental read filters on write_date"
        rows = {r[0]: r[1:] for r in second.rows("activity", "source_id, status, occurred_at")}
        assert rows["301"] == ("done", datetime(2026, 3, 6, 11, 0))
        assert len(rows) == 6
    # A ticket deleted outright (unlink) leaves no trace: a full extract sees it go.
    odoo.fake.unlink("helpdesk.ticket", 13)
    with staged_from(settings_for(tmp_path / "data", odoo), odoo) as full:
        assert full.rows("ticket", "source_id, is_deleted") == [("11", False), ("13", True)]


@pytest.mark.parametrize("options", [{}, {"protocol": "jsonrpc", "login": LOGIN}])
def test_a_model_the_api_user_may_not_read_costs_only_that_model(
    tmp_path: Path, odoo: Harness, options: dict[str, str]
) -> None:
    odoo.fake.denied = {"account.payment"}
    result = odoo.fetch(tmp_path, options=options)
    assert list(result.skipped) == ["account.payment"]
    assert result.skipped["account.payment"].startswith("the API user may not read it")
    assert "You are not allowed to access 'account.payment'" in result.skipped["account.payment"]
    assert "\n" not in result.skipped["account.payment"]
    assert result.records["mail.message"] == 3 and result.records["res.partner"] == 250


def test_messages_are_paged_by_id(tmp_path: Path, odoo: Harness) -> None:
    result = odoo.fetch(tmp_path, objects=["mail.message"], page_size=1)
    assert result.records == {"mail.message": 3}
    pages = read_pages(tmp_path, "mail.message")
    assert [[m["id"] for m in page] for page in pages] == [[501], [502], [503]]
    assert [p[0]["record_partner_id"] for p in pages] == [7, 12, 5]


def test_messages_on_documents_the_user_may_not_read_keep_no_customer(
    tmp_path: Path, odoo: Harness
) -> None:
    odoo.fake.denied = {"account.move"}
    result = odoo.fetch(tmp_path, objects=["mail.message"])
    assert result.records == {"mail.message": 3} and not result.skipped
    messages = read_pages(tmp_path, "mail.message")[0]
    assert [(m["model"], m["record_partner_id"]) for m in messages] == [
        ("res.partner", 7),
        ("sale.order", 12),
        ("account.move", None),
    ]
