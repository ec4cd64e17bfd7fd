"""Response shapes of a customer's relationship lists: activities, tickets, quotes,
payment history and products bought (docs/contracts.md)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, PlainSerializer

from api.schemas import Amount, UtcDateTime


def _price_text(value: Decimal) -> str:
    """A unit price to the cent, or to its own fraction of a cent (12.5 → "12.50",
    0.0125 → "0.0125")."""
    exact = Decimal(value).normalize()
    exponent = exact.as_tuple().exponent
    places = max(2, -exponent) if isinstance(exponent, int) else 2
    return f"{exact:.{places}f}"


# Unit prices and quantities carry up to 4 decimals (staging decimal(18,4)).
Price = Annotated[Decimal, PlainSerializer(_price_text, return_type=str, when_used="json")]


class ActivityOut(BaseModel):
    source: str
    source_id: str
    kind: str | None = None  # call | email | meeting | note | task
    subject: str | None = None
    occurred_at: UtcDateTime | None = None  # a task's due date, a meeting's start
    status: str | None = None  # done | open | cancelled
    outcome: str | None = None
    owner: str | None = None
    contact_source_id: str | None = None
    contact_name: str | None = None


class TicketOut(BaseModel):
    source: str
    source_id: str
    ticket_number: str | None = None
    subject: str | None = None
    status: str | None = None  # open | pending | closed
    priority: str | None = None  # low | medium | high | urgent
    owner: str | None = None
    opened_at: UtcDateTime | None = None
    closed_at: UtcDateTime | None = None
    is_open: bool


class QuoteOut(BaseModel):
    source: str
    source_id: str
    quote_number: str | None = None
    status: str | None = None  # as the source says: draft | sent | accepted | refused | expired
    outcome: str  # open | ordered | accepted | refused | expired, at the as-of date
    issue_date: date | None = None
    valid_until: date | None = None
    amount_excl_tax: Amount | None = None
    amount_incl_tax: Amount | None = None
    currency: str | None = None
    owner: str | None = None
    order_number: str | None = None  # the order it became
    decided_date: date | None = None
    age_days: int | None = None  # while open only


class PaymentOut(BaseModel):
    """One settled invoice of the payment history."""

    source: str
    source_id: str
    invoice_number: str | None = None
    issue_date: date | None = None
    due_date: date | None = None
    amount: Amount | None = None
    currency: str | None = None
    paid_date: date | None = None
    payment_refs: str | None = None  # the payments settling it, ';' joined, or the clearing
    payment_count: int | None = None
    basis: str | None = None  # payment | clearing
    days_to_pay: int | None = None
    days_late: int | None = None
    paid_on_time: bool | None = None


class ProductOut(BaseModel):
    product_rank: int
    product_code: str | None = None
    product_name: str | None = None
    order_count: int
    quantity_total: Price | None = None
    amount_12m: Amount | None = None
    amount_total: Amount | None = None
    first_purchase_date: date | None = None
    last_purchase_date: date | None = None
    last_order_reference: str | None = None
    last_quantity: Price | None = None
    last_unit_price: Price | None = None
    last_discount_percent: Price | None = None
    currency: str | None = None
