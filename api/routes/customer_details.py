"""A customer's documents (invoices, orders, opportunities, contacts, open items, balance
history, timeline) and relationship lists (activities, tickets, quotes, payments,
products): each a page of a sub-list the build stored in its order.

No `from __future__ import annotations` here: each handler's `limit` annotation holds its
route's bounds, which FastAPI must read as objects, not as names to look up later."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel

from api import serving
from api.customers import check_customer
from api.deps import CustomerReader, SnapshotDep
from api.queries import PositionCursor, TimelineCursor
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
from api.schemas_relationship import ActivityOut, PaymentOut, ProductOut, QuoteOut, TicketOut
from api.timeline import timeline_page

router = APIRouter(prefix="/customers/{customer_id}", tags=["customers"])


@dataclass(frozen=True)
class SubList:
    """One route `GET /customers/{id}/<path>`: a page of serving table `table`."""

    path: str
    table: str
    model: type[BaseModel]
    name: str  # the handler's name: the OpenAPI operationId clients are generated from
    doc: str
    default_limit: int = 50
    max_limit: int = 200


def _handler(spec: SubList) -> Callable[..., Any]:
    def read(
        customer_id: str,
        request: Request,
        user: CustomerReader,
        snap: SnapshotDep,
        limit: Annotated[int, Query(ge=1, le=spec.max_limit)] = spec.default_limit,
        cursor: PositionCursor = None,
    ) -> Any:
        check_customer(snap, user, customer_id, request)
        return serving.customer_page(snap.lists, spec.table, customer_id, limit, cursor)

    read.__name__ = spec.name
    read.__doc__ = spec.doc
    return read


def add_sub_lists(target: APIRouter, specs: tuple[SubList, ...]) -> None:
    """Register each sub-list route: the same access check (a salesperson only their own
    customers, a merged id 308s) and keyset paging for all of them."""
    for spec in specs:
        page = Page.__class_getitem__(spec.model)  # Page[model], built at run time
        target.add_api_route(spec.path, _handler(spec), methods=["GET"], response_model=page)


add_sub_lists(
    router,
    (
        SubList(
            "/invoices", "customer_invoice", InvoiceOut, "read_customer_invoices",
            "Invoices and credit notes, newest first.",
        ),
        SubList(
            "/orders", "customer_order", OrderOut, "read_customer_orders",
            "Sales orders, newest first.",
        ),
        SubList(
            "/opportunities", "customer_opportunity", OpportunityOut,
            "read_customer_opportunities", "CRM opportunities, latest close date first.",
        ),
        SubList(
            "/contacts", "customer_contact", ContactOut, "read_customer_contacts",
            "Contacts, by last name.",
        ),
        SubList(
            "/open-items", "customer_open_item", OpenItemOut, "read_customer_open_items",
            "What is still owed, item by item, oldest due date first.",
        ),
        SubList(
            "/balance-history", "customer_balance_history", BalancePoint,
            "read_customer_balance_history",
            "Outstanding and overdue balance at each nightly build, oldest first.",
            default_limit=400, max_limit=2000,
        ),
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


@router.get("/timeline", response_model=Page[TimelineEvent])
def read_customer_timeline(
    customer_id: str,
    request: Request,
    user: CustomerReader,
    snap: SnapshotDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: TimelineCursor = None,
) -> Any:
    """Invoices, orders, opportunities, payments, activities, tickets and quotes merged,
    newest first (then by source and source id)."""
    check_customer(snap, user, customer_id, request)
    return timeline_page(snap.lists, customer_id, limit, cursor)
