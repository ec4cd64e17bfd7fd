"""KPIs for executives and the alert list."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from api import serving
from api.customers import owner_scope
from api.deps import AlertReader, ExecutiveUser, SnapshotDep
from api.params import month_query
from api.params import parse_month as _month
from api.queries import PositionCursor
from api.schemas import AlertOut, KpiMonth, Page

router = APIRouter(tags=["kpis"])


@router.get("/kpis", response_model=Page[KpiMonth])
def read_kpis(
    user: ExecutiveUser,
    snap: SnapshotDep,
    date_from: Annotated[str | None, month_query("from")] = None,
    date_to: Annotated[str | None, month_query("to")] = None,
    segment: str | None = None,
    limit: Annotated[int, Query(ge=1, le=5000)] = 1000,
    cursor: PositionCursor = None,
) -> Any:
    """Monthly KPIs (rows of mart.kpi_monthly per month, segment and owner)."""
    month_from, month_to = _month(date_from, "from"), _month(date_to, "to")
    filters = {
        "month >= ?": month_from.isoformat() if month_from else None,
        "month <= ?": month_to.isoformat() if month_to else None,
        "segment = ?": segment,
    }
    return serving.filtered_page(snap.lite, "kpi_monthly", "seq", filters, limit, cursor)


@router.get("/alerts", response_model=Page[AlertOut])
def read_alerts(
    user: AlertReader,
    snap: SnapshotDep,
    owner: str | None = None,
    alert_type: str | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    cursor: PositionCursor = None,
) -> Any:
    """Alerts, most severe first; a salesperson sees the alerts of their customers."""
    owner_filter, visible = owner_scope(user, owner)
    if not visible:
        return {"data": [], "count": 0, "next_cursor": None}
    filters = {"owner = ?": owner_filter, "alert_type = ?": alert_type}
    return serving.alert_page(snap.lite, snap.lists, filters, limit, cursor)
