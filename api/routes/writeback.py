"""GET /writeback: every value c360 wrote (or tried to write) into a CRM (admins only).

Reads data/writeback_log.sqlite, which `c360 writeback` appends to (docs/writeback.md).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel

from api.deps import AdminUser, SettingsDep
from api.queries import PositionCursor, cursor_position, position_cursor
from kernel.writeback_log import read_log

router = APIRouter(tags=["admin"])


class WritebackOut(BaseModel):
    log_id: int
    run_id: str
    written_at: datetime
    customer_id: str | None
    source: str
    record_id: str
    field: str
    old_value: str | None  # the value c360 last wrote there (None: never written)
    new_value: str | None  # None: the field was emptied
    result: Literal["ok", "failed"]
    message: str | None  # the CRM's reason when it refused


class WritebackPage(BaseModel):
    """Newest first, keyset paged; no count (the log grows with every night)."""

    data: list[WritebackOut]
    next_cursor: str | None = None


@router.get("/writeback", response_model=WritebackPage)
def read_writeback(
    admin: AdminUser,
    settings: SettingsDep,
    source: Annotated[str | None, Query(description="only this source's records")] = None,
    customer: Annotated[str | None, Query(description="only this customer's records")] = None,
    result: Annotated[Literal["ok", "failed"] | None, Query(description="ok or failed")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    cursor: PositionCursor = None,
) -> Any:
    """CRM writes, newest first: customer, source, record, field, old and new value, when,
    and the result (a failed write is sent again by the next run)."""
    rows = read_log(
        settings.writeback_log_db,
        source=source,
        customer_id=customer,
        result=result,
        before=cursor_position(cursor) or None,
        limit=limit + 1,
    )
    more = len(rows) > limit
    rows = rows[:limit]
    for row in rows:
        row["written_at"] = datetime.fromisoformat(row["written_at"]).replace(tzinfo=UTC)
    return {
        "data": rows,
        "next_cursor": position_cursor(rows[-1]["log_id"]) if more and rows else None,
    }
