"""GET /audit: who read which customer's profile, and when (admins only)."""

from __future__ import annotations

from datetime import UTC
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from api import store
from api.audit import AuditCursor, cursor_read_id, read_cursor
from api.deps import AdminUser, SettingsDep
from api.schemas_ops import ProfileReadPage

router = APIRouter(tags=["admin"])


@router.get("/audit", response_model=ProfileReadPage)
def read_audit(
    admin: AdminUser,
    request: Request,
    settings: SettingsDep,
    user: Annotated[str | None, Query(description="only this user's reads")] = None,
    customer: Annotated[str | None, Query(description="only reads of this customer")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    cursor: AuditCursor = None,
) -> Any:
    """Profile reads (GET /customers/{id} and its sub-lists), newest first, keyset paged."""
    before = cursor_read_id(cursor)
    request.app.state.read_log.flush()  # this worker's latest reads, written before listing
    rows = store.profile_reads(settings, user, customer, before, limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    return {
        "data": [
            {
                "read_id": r.read_id,
                "at": r.at.replace(tzinfo=UTC) if r.at.tzinfo is None else r.at,
                "user": r.username,
                "role": r.role,
                "customer_id": r.customer_id,
                "resource": r.resource,
            }
            for r in rows
        ],
        "next_cursor": read_cursor(rows[-1].read_id) if more and rows else None,
    }
