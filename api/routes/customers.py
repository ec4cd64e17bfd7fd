"""Customer search and the 360° profile."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from api.customers import check_customer, owner_scope
from api.deps import CustomerReader, SnapshotDep
from api.profile import profile_json
from api.queries import PositionCursor
from api.schemas import CustomerProfile, CustomerSummary, Page
from api.search import browse_json, search_json

router = APIRouter(prefix="/customers", tags=["customers"])


@router.get("", response_model=Page[CustomerSummary])
def read_customers(
    user: CustomerReader,
    snap: SnapshotDep,
    q: Annotated[str | None, Query(max_length=200)] = None,
    segment: str | None = None,
    owner: str | None = None,
    has_overdue: bool | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: PositionCursor = None,
) -> Any:
    """Search as you type, ranked: exact ids (SIREN, SIRET, VAT, customer code, e-mail or
    phone of the company or a contact, in any spacing) first, then names starting with
    `q`, then names, cities and e-mails containing it (case and accents ignored), then
    names close to it (typos); each hit says why in `match_reason`. Without `q`, every
    customer by name. Sales users only see their customers."""
    owner_filter, visible = owner_scope(user, owner)
    if not visible:
        return {"data": [], "count": 0, "next_cursor": None}
    filters = {"segment": segment, "owner": owner_filter, "has_overdue": has_overdue}
    q = q.strip() if q else None
    # Each hit as stored, in the response's shape (amounts already text to the cent):
    # sent as read, never validated or encoded again.
    body = (
        search_json(snap.lite, snap.lists, q, filters, limit, cursor)
        if q
        else browse_json(snap.lite, snap.lists, filters, limit, cursor)
    )
    return Response(body, media_type="application/json")


@router.get(
    "/{customer_id}",
    response_model=CustomerProfile,
    responses={308: {"description": "Merged customer: redirect to the surviving id"}},
)
def read_customer(
    customer_id: str, request: Request, user: CustomerReader, snap: SnapshotDep
) -> Any:
    """The 360° profile: identity, coordinates, terms, money, alerts, sources, conflicts."""
    check_customer(snap, user, customer_id, request)
    # Its stored parts written in the response's shape (CustomerProfile, api/profile.py).
    return Response(profile_json(snap, customer_id), media_type="application/json")
