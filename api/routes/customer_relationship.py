"""A customer's relationship lists: activities, tickets, quotes, payments, products.

Same access rules as the other sub-lists (api/routes/customer_details.py): a salesperson
reads only their own customers, a merged id answers 308 to its survivor."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from api.deps import CustomerReader, SnapshotDep
from api.queries import PositionCursor
from api.routes.customer_details import _list
from api.schemas import Page
from api.schemas_relationship import ActivityOut, PaymentOut, ProductOut, QuoteOut, TicketOut

router = APIRouter(prefix="/customers/{customer_id}", tags=["customers"])

Limit = Annotated[int, Query(ge=1, le=200)]


@router.get("/activities", response_model=Page[ActivityOut])
def read_customer_activities(
    customer_id: str,
    request: Request,
    user: CustomerReader,
    snap: SnapshotDep,
    limit: Limit = 50,
    cursor: PositionCursor = None,
) -> Any:
    """Calls, e-mails, meetings, notes and tasks, latest first."""
    return _list(snap, user, request, customer_id, "customer_activity", limit, cursor)


@router.get("/tickets", response_model=Page[TicketOut])
def read_customer_tickets(
    customer_id: str,
    request: Request,
    user: CustomerReader,
    snap: SnapshotDep,
    limit: Limit = 50,
    cursor: PositionCursor = None,
) -> Any:
    """Support tickets: open and pending first, then the latest opened."""
    return _list(snap, user, request, customer_id, "customer_ticket", limit, cursor)


@router.get("/quotes", response_model=Page[QuoteOut])
def read_customer_quotes(
    customer_id: str,
    request: Request,
    user: CustomerReader,
    snap: SnapshotDep,
    limit: Limit = 50,
    cursor: PositionCursor = None,
) -> Any:
    """Quotes with their outcome and the order each became: open first, then the latest."""
    return _list(snap, user, request, customer_id, "customer_quote", limit, cursor)


@router.get("/payments", response_model=Page[PaymentOut])
def read_customer_payments(
    customer_id: str,
    request: Request,
    user: CustomerReader,
    snap: SnapshotDep,
    limit: Limit = 50,
    cursor: PositionCursor = None,
) -> Any:
    """Payment history, one settled invoice per row with its days-to-pay, latest first."""
    return _list(snap, user, request, customer_id, "customer_payment", limit, cursor)


@router.get("/products", response_model=Page[ProductOut])
def read_customer_products(
    customer_id: str,
    request: Request,
    user: CustomerReader,
    snap: SnapshotDep,
    limit: Limit = 50,
    cursor: PositionCursor = None,
) -> Any:
    """What the customer buys, top product first (12 months' amount, then all time)."""
    return _list(snap, user, request, customer_id, "customer_product", limit, cursor)
