"""Odoo import-compatible exports: quotations, order lines, products, payments, activities,
logged messages, tickets."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tests.unit.ingest.profiles.conftest import Load

ACME = "__export__.res_partner_7_aa11bb22"
BETA = "__export__.res_partner_8_cc33dd44"


def test_odoo_relationship_objects(load: Load) -> None:
    db = load("odoo")
    assert db.runs() == {
        # sale.order feeds orders (every state) and quotes (draft / sent only: 2 skipped).
        ("sale.order.csv", "sales_order"): ("loaded", 4, 4, 0, 0),
        ("sale.order.csv", "quote"): ("loaded", 4, 2, 0, 2),
        ("sale.order.line.csv", "order_line"): ("loaded", 2, 2, 0, 0),
        ("product.template.csv", "product"): ("loaded", 2, 2, 0, 0),
        # A supplier payment and a draft receipt are skipped, not rejected.
        ("account.payment.csv", "payment"): ("loaded", 4, 2, 0, 2),
        ("mail.activity.csv", "activity"): ("loaded", 4, 4, 0, 0),
        # The chatter's logged messages are activities too.
        ("mail.message.csv", "activity"): ("loaded", 3, 3, 0, 0),
        ("helpdesk.ticket.csv", "ticket"): ("loaded", 3, 3, 0, 0),
    }
    assert db.rejects() == []
    assert db.rows(
        "quote",
        "source_id, customer_source_id, opportunity_source_id, quote_number, status, issue_date, "
        "valid_until, amount_excl_tax, amount_incl_tax, owner",
    ) == [
        ("__export__.sale_order_41_5e1a2b3c", ACME, None, "S00041", "sent", date(2026, 2, 25),
         date(2026, 3, 27), Decimal("2000.00"), Decimal("2400.00"), "Mitchell Admin"),
        ("__export__.sale_order_42_6f2b3c4d", ACME, "__export__.crm_lead_3_0a0b0c0d", "S00042",
         "draft", date(2026, 3, 4), date(2026, 4, 3), Decimal("150.50"), Decimal("180.60"),
         "Mitchell Admin"),
    ]  # fmt: skip
    # The product's internal reference from "[FURN_8888] Office Lamp"; discount in percent.
    assert db.rows(
        "order_line",
        "source_id, order_source_id, line_number, product_code, description, quantity, "
        "unit_price, discount_percent, amount_excl_tax",
    ) == [
        ("__export__.sale_order_line_90_aa", "__export__.sale_order_40_4d0a1b2c", 10, "FURN_8888",
         "[FURN_8888] Office Lamp", Decimal("20.0000"), Decimal("125.0000"), Decimal("0.0000"),
         Decimal("2500.00")),
        ("__export__.sale_order_line_91_bb", "__export__.sale_order_40_4d0a1b2c", 20,
         "Installation", "Installation sur site", Decimal("1.0000"), Decimal("2777.7800"),
         Decimal("10.0000"), Decimal("2500.00")),
    ]  # fmt: skip
    assert db.rows("product", "source_id, product_code, name, family, list_price, is_active") == [
        ("__export__.product_template_12_ee", "FURN_8888", "Office Lamp",
         "All / Saleable / Office Furniture", Decimal("125.0000"), True),
        ("__export__.product_template_13_ff", None, "Installation", "All / Services",
         Decimal("0.0000"), False),
    ]  # fmt: skip
    # One payment settling two invoices lists both; a French amount reads to the cent.
    assert db.rows(
        "payment",
        "source_id, customer_source_id, payment_number, payment_date, amount, currency, "
        "invoice_ref, method",
    ) == [
        ("__export__.account_payment_201_a1", BETA, "PBNK1/2026/00012", date(2026, 2, 20),
         Decimal("6000.00"), "EUR", "INV/2026/00007;INV/2026/00009", "Manual Payment"),
        ("__export__.account_payment_202_a2", ACME, "PBNK1/2026/00013", date(2026, 3, 1),
         Decimal("1250.50"), "EUR", "INV/2026/00011", "SEPA Credit Transfer"),
    ]  # fmt: skip
    # res_id names a partner only when res_model is res.partner (the build matches it to the
    # partner's export id __export__.res_partner_<id>_…); a done activity has date_done.
    assert db.rows(
        "activity", "source_id, customer_source_id, kind, subject, occurred_at, status, owner"
    ) == [
        ("__export__.mail_activity_301_c1", "7", "call", "Rappeler pour le devis",
         datetime(2026, 3, 6), "open", "Mitchell Admin"),
        ("__export__.mail_activity_302_c2", "7", "email", "Email", datetime(2026, 2, 26, 10, 12),
         "done", "Mitchell Admin"),
        ("__export__.mail_activity_303_c3", None, "task", "Relancer signature",
         datetime(2026, 3, 10), "open", "Marc Demo"),
        ("__export__.mail_activity_304_c4", "8", "meeting", "Visite usine", datetime(2026, 4, 2),
         "open", "Marc Demo"),
        # mail.message: a note (its HTML body's text stands for a subject), an e-mail from the
        # customer (its author is no owner), a message sent from an order (an export links
        # only the messages on a partner).
        ("__export__.mail_message_501_d1", "7", "note", "Client rappelé : attend le devis révisé",
         datetime(2026, 3, 2, 9, 15), "done", "Mitchell Admin"),
        ("__export__.mail_message_502_d2", "7", "email", "Re: Devis S00041",
         datetime(2026, 3, 3, 16, 40, 12), "done", None),
        ("__export__.mail_message_503_d3", None, "email", "Devis envoyé au client",
         datetime(2026, 3, 4, 8, 0), "done", "Mitchell Admin"),
    ]  # fmt: skip
    assert db.rows(
        "ticket",
        "source_id, customer_source_id, ticket_number, subject, status, priority, opened_at, "
        "closed_at",
    ) == [
        ("__export__.helpdesk_ticket_11_d1", ACME, "11", "Imprimante bloquée", "open", "urgent",
         datetime(2026, 3, 4, 8, 15), None),
        ("__export__.helpdesk_ticket_12_d2", ACME, "12", "Facture en double", "open", "medium",
         datetime(2026, 2, 2, 11, 0), None),
        ("__export__.helpdesk_ticket_13_d3", BETA, "13", "Mot de passe", "closed", "low",
         datetime(2026, 1, 15, 9, 0), datetime(2026, 1, 15, 12, 0)),
    ]  # fmt: skip
