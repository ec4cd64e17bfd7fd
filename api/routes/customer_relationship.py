"""A customer's relationship lists: activities, tickets, quotes, payments, products.

Same access rules as the other sub-lists (api/routes/customer_details.py): a salesperson
reads only their own customers, a merged id answers 308 to its survivor."""

from __future__ import annotations

from fastapi import APIRouter

from api.routes.customer_details import SubList, add_sub_lists
from api.schemas_relationship import ActivityOut, PaymentOut, ProductOut, QuoteOut, TicketOut

router = APIRouter(prefix="/customers/{customer_id}", tags=["customers"])

add_sub_lists(
    router,
    (
        SubList(
            "/activities", "customer_activity", ActivityOut, "read_customer_activities",
            "Calls, e-mails, meetings, notes and tasks, latest first.",
        ),
        SubList(
            "/tickets", "customer_ticket", TicketOut, "read_customer_tickets",
            "Support tickets: open and pending first, then the latest opened.",
        ),
        SubList(
            "/quotes", "customer_quote", QuoteOut, "read_customer_quotes",
            "Quotes with their outcome and the order each became: open first, then the latest.",
        ),
        SubList(
            "/payments", "customer_payment", PaymentOut, "read_customer_payments",
            "Payment history, one settled invoice per row with its days-to-pay, latest first.",
        ),
        SubList(
            "/products", "customer_product", ProductOut, "read_customer_products",
            "What the customer buys, top product first (12 months' amount, then all time).",
        ),
    ),
)  # fmt: skip
