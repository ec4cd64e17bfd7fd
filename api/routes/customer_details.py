"""A customer's documents: invoices, orders, opportunities, contacts, open items, timeline."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from api import serving
from api.customers import check_customer
from api.deps import CustomerReader, SnapshotDep
from api.queries import PositionCursor
from api.schemas import (
    BalancePoint,
    ContactOut,
    InvoiceOut,
    OpenItemOut,
    OpportunityOut,
    OrderOut,
    Page,
    TimelineEvent,
)

router = APIRouter(prefix="/customers/{customer_id}", tags=["customers"])

Limit = Annotated[int, Query(ge=1, le=200)]


def _list(
    snap: Any,
    user: Any,
    request: Request,
    customer_id: str,
    table: str,
    limit: int,
    cursor: str | None,
) -> dict[str, Any]:
    """A page of the customer's sub-list `table`, stored in its order (seq) at build."""
    check_customer(snap, user, customer_id, request)
    return serving.customer_page(snap.lite, table, customer_id, limit, cursor)


@router.get("/invoices", response_model=Page[InvoiceOut])
def read_customer_invoices(
    customer_id: str,
    request: Request,
    user: CustomerReader,
    snap: SnapshotDep,
    limit: Limit = 50,
    cursor: PositionCursor = None,
) -> Any:
    """Invoices and credit notes, newest first."""
    return _list(snap, user, request, customer_id, "customer_invoice", limit, cursor)


@router.get("/orders", response_model=Page[OrderOut])
def read_customer_orders(
    customer_id: str,
    request: Request,
    user: CustomerReader,
    snap: SnapshotDep,
    limit: Limit = 50,
    cursor: PositionCursor = None,
) -> Any:
    """Sales orders, newest first."""
    return _list(snap, user, request, customer_id, "customer_order", limit, cursor)


@router.get("/opportunities", response_model=Page[OpportunityOut])
def read_customer_opportunities(
    customer_id: str,
    request: Request,
    user: CustomerReader,
    snap: SnapshotDep,
    limit: Limit = 50,
    cursor: PositionCursor = None,
) -> Any:
    """CRM opportunities, latest close date first."""
    return _list(snap, user, request, customer_id, "customer_opportunity", limit, cursor)


@router.get("/contacts", response_model=Page[ContactOut])
def read_customer_contacts(
    customer_id: str,
    request: Request,
    user: CustomerReader,
    snap: SnapshotDep,
    limit: Limit = 50,
    cursor: PositionCursor = None,
) -> Any:
    """Contacts, by last name."""
    return _list(snap, user, request, customer_id, "customer_contact", limit, cursor)


@router.get("/open-items", response_model=Page[OpenItemOut])
def read_customer_open_items(
    customer_id: str,
    request: Request,
    user: CustomerReader,
    snap: SnapshotDep,
    limit: Limit = 50,
    cursor: PositionCursor = None,
) -> Any:
    """What is still owed, item by item, oldest due date first."""
    return _list(snap, user, request, customer_id, "customer_open_item", limit, cursor)


@router.get("/balance-history", response_model=Page[BalancePoint])
def read_customer_balance_history(
    customer_id: str,
    request: Request,
    user: CustomerReader,
    snap: SnapshotDep,
    limit: Annotated[int, Query(ge=1, le=2000)] = 400,
    cursor: PositionCursor = None,
) -> Any:
    """Outstanding and overdue balance at each nightly build, oldest first."""
    return _list(snap, user, request, customer_id, "customer_balance_history", limit, cursor)


@router.get("/timeline", response_model=Page[TimelineEvent])
def read_customer_timeline(
    customer_id: str,
    request: Request,
    user: CustomerReader,
    snap: SnapshotDep,
    limit: Limit = 50,
    cursor: PositionCursor = None,
) -> Any:
    """Invoices, orders, opportunities and payments merged, newest first."""
    return _list(snap, user, request, customer_id, "customer_timeline", limit, cursor)
