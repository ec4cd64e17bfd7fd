"""A customer's documents: invoices, orders, opportunities, contacts, open items, timeline."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from api.customers import check_customer, paged
from api.deps import CustomerReader, SnapshotDep
from api.queries import sql
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
_TIMELINE_PARTS = (
    ("timeline_invoice", "core.invoice"),
    ("timeline_order", "core.sales_order"),
    ("timeline_opportunity", "core.opportunity"),
    ("timeline_payment", "core.payment"),
)


def _list(
    snap: Any,
    user: Any,
    request: Request,
    customer_id: str,
    name: str,
    table: str,
    order_by: str,
    limit: int,
    cursor: str | None,
) -> dict[str, Any]:
    check_customer(snap, user, customer_id, request)
    params = {"customer_id": customer_id}
    return paged(snap, name, params, order_by, limit, cursor, needs=[table])


@router.get("/invoices", response_model=Page[InvoiceOut])
def read_customer_invoices(
    customer_id: str,
    request: Request,
    user: CustomerReader,
    snap: SnapshotDep,
    limit: Limit = 50,
    cursor: str | None = None,
) -> Any:
    """Invoices and credit notes, newest first."""
    return _list(
        snap,
        user,
        request,
        customer_id,
        "customer_invoices",
        "core.invoice",
        "issue_date desc nulls last, source, source_id",
        limit,
        cursor,
    )


@router.get("/orders", response_model=Page[OrderOut])
def read_customer_orders(
    customer_id: str,
    request: Request,
    user: CustomerReader,
    snap: SnapshotDep,
    limit: Limit = 50,
    cursor: str | None = None,
) -> Any:
    """Sales orders, newest first."""
    return _list(
        snap,
        user,
        request,
        customer_id,
        "customer_orders",
        "core.sales_order",
        "order_date desc nulls last, source, source_id",
        limit,
        cursor,
    )


@router.get("/opportunities", response_model=Page[OpportunityOut])
def read_customer_opportunities(
    customer_id: str,
    request: Request,
    user: CustomerReader,
    snap: SnapshotDep,
    limit: Limit = 50,
    cursor: str | None = None,
) -> Any:
    """CRM opportunities, latest close date first."""
    return _list(
        snap,
        user,
        request,
        customer_id,
        "customer_opportunities",
        "core.opportunity",
        "close_date desc nulls last, source, source_id",
        limit,
        cursor,
    )


@router.get("/contacts", response_model=Page[ContactOut])
def read_customer_contacts(
    customer_id: str,
    request: Request,
    user: CustomerReader,
    snap: SnapshotDep,
    limit: Limit = 50,
    cursor: str | None = None,
) -> Any:
    """Contacts, by last name."""
    return _list(
        snap,
        user,
        request,
        customer_id,
        "customer_contacts",
        "core.contact",
        "last_name nulls last, first_name, source, source_id",
        limit,
        cursor,
    )


@router.get("/open-items", response_model=Page[OpenItemOut])
def read_customer_open_items(
    customer_id: str,
    request: Request,
    user: CustomerReader,
    snap: SnapshotDep,
    limit: Limit = 50,
    cursor: str | None = None,
) -> Any:
    """What is still owed, item by item, oldest due date first."""
    return _list(
        snap,
        user,
        request,
        customer_id,
        "customer_open_items",
        "core.open_item",
        "due_date nulls last, document_ref",
        limit,
        cursor,
    )


@router.get("/balance-history", response_model=Page[BalancePoint])
def read_customer_balance_history(
    customer_id: str,
    request: Request,
    user: CustomerReader,
    snap: SnapshotDep,
    limit: Annotated[int, Query(ge=1, le=2000)] = 400,
    cursor: str | None = None,
) -> Any:
    """Outstanding and overdue balance at each nightly build, oldest first."""
    return _list(
        snap,
        user,
        request,
        customer_id,
        "customer_balance_history",
        "mart.balance_history",
        "build_date",
        limit,
        cursor,
    )


@router.get("/timeline", response_model=Page[TimelineEvent])
def read_customer_timeline(
    customer_id: str,
    request: Request,
    user: CustomerReader,
    snap: SnapshotDep,
    limit: Limit = 50,
    cursor: str | None = None,
) -> Any:
    """Invoices, orders, opportunities and payments merged, newest first."""
    check_customer(snap, user, customer_id, request)
    parts = [sql(name) for name, table in _TIMELINE_PARTS if snap.has(table)]
    if not parts:
        return {"data": [], "count": 0, "next_cursor": None}
    base = "\nunion all\n".join(f"({p.strip()})" for p in parts)
    return paged(
        snap,
        "",
        {"customer_id": customer_id},
        "event_date desc nulls last, event_type, source, source_id",
        limit,
        cursor,
        needs=[],
        base=base,
    )
