"""Customer search and the 360° profile."""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from api.customers import build_profile, check_customer, owner_scope
from api.deps import CustomerReader, SnapshotDep
from api.errors import ApiError
from api.queries import decode_cursor, encode_cursor, sql
from api.schemas import CustomerProfile, CustomerSummary, Page

router = APIRouter(prefix="/customers", tags=["customers"])

_COMPACT = re.compile(r"[\s.\-]")


def _fold(text: str) -> str:
    """Lower-case without accents, as DuckDB's strip_accents(lower(...)) does."""
    decomposed = unicodedata.normalize("NFKD", text.strip().lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _after(cursor: str | None) -> tuple[str | None, str | None]:
    value = decode_cursor(cursor)
    if value is None:
        return None, None
    if isinstance(value, list) and len(value) == 2 and all(isinstance(v, str) for v in value):
        return value[0], value[1]
    raise ApiError(422, "invalid_cursor", "The paging cursor is not valid: start again without it.")


@router.get("", response_model=Page[CustomerSummary])
def read_customers(
    user: CustomerReader,
    snap: SnapshotDep,
    q: Annotated[str | None, Query(max_length=200)] = None,
    segment: str | None = None,
    owner: str | None = None,
    has_overdue: bool | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: str | None = None,
) -> Any:
    """Search by name, city, e-mail (contains; case and accents ignored), SIREN/SIRET/VAT
    (spaces ignored), customer code or postcode. Sales users only see their customers."""
    owner_filter, visible = owner_scope(user, owner)
    after_name, after_id = _after(cursor)
    if not visible:
        return {"data": [], "count": 0, "next_cursor": None}
    q = q.strip() if q else None
    params = {
        "q_folded": _fold(q) if q else None,
        "q_compact": _COMPACT.sub("", q).upper() if q else None,
        "segment": segment,
        "owner": owner_filter,
        "has_overdue": has_overdue,
        "after_name": after_name,
        "after_id": after_id,
        "limit": limit + 1,
    }
    table = snap.snapshot.search_table
    if table is None:
        return {"data": [], "count": 0, "next_cursor": None}
    # The table name is one of two constants (api/snapshot.py), never from the request.
    rows = snap.run(sql("customer_search").replace("mart.customer_search", table), params)
    total = int(rows[0]["total"]) if rows else 0
    data = [r for r in rows if r["customer_id"] is not None]
    next_cursor = None
    if len(data) > limit:
        data = data[:limit]
        next_cursor = encode_cursor([data[-1]["sort_name"], data[-1]["customer_id"]])
    return {"data": data, "count": total, "next_cursor": next_cursor}


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
    return build_profile(snap, customer_id)
