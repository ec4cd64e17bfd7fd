"""Customer search and the 360° profile."""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from api import serving
from api.customers import build_profile, check_customer, owner_scope
from api.deps import CustomerReader, SnapshotDep
from api.queries import sql
from api.schemas import CustomerProfile, CustomerSummary, Page

router = APIRouter(prefix="/customers", tags=["customers"])

_COMPACT = re.compile(r"[\s.\-]")


def _fold(text: str) -> str:
    """Lower-case without accents, as DuckDB's strip_accents(lower(...)) does."""
    decomposed = unicodedata.normalize("NFKD", text.strip().lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


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
    after = serving.seq_from(cursor)
    if not visible:
        return {"data": [], "count": 0, "next_cursor": None}
    q = q.strip() if q else None
    params = {
        "q_folded": _fold(q) if q else None,
        "q_compact": _COMPACT.sub("", q).upper() if q else None,
        "segment": segment,
        "owner": owner_filter,
        "has_overdue": has_overdue,
        "after": after,
        "limit": limit + 1,
    }
    found = snap.lite.execute(sql("serving_search"), params)
    columns = [d[0] for d in found.description]
    rows = [dict(zip(columns, row, strict=True)) for row in found.fetchall()]
    next_cursor = serving.seq_cursor(rows[limit - 1]["seq"]) if len(rows) > limit else None
    # The whole match count: one more pass over the index (SQLite `limit -1`: no limit).
    counted = snap.lite.execute(
        f"select count(*) from ({sql('serving_search')})", {**params, "after": 0, "limit": -1}
    ).fetchone()
    total = int(counted[0]) if counted else 0
    return {"data": rows[:limit], "count": total, "next_cursor": next_cursor}


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
