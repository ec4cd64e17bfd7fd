"""KPI aggregates of a period for the executive page, computed by the API (never a page of
rows the dashboard would have to add up): month by month up to the as-of month, by
segment (8 largest + others), by owner, top customers and the open pipeline by stage."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter
from pydantic import BaseModel

from api.deps import ExecutiveUser, SnapshotDep
from api.kpi_relationship import RelationshipKpis, relationship_kpis
from api.params import month_query
from api.params import parse_month as _month
from api.schemas import Amount

router = APIRouter(tags=["kpis"])
KPI = "mart.kpi_monthly"


class SummaryMonth(BaseModel):
    month: date
    revenue_amount: Amount
    credit_note_amount: Amount
    pipeline_amount: Amount
    weighted_pipeline_amount: Amount
    won_count: int
    lost_count: int
    win_rate: float | None = None
    active_customers: int
    new_customers: int
    dso_days: float | None = None
    overdue_share: float | None = None


class SummaryGroup(BaseModel):
    segment: str | None = None
    owner: str | None = None
    revenue_amount: Amount
    credit_note_amount: Amount
    pipeline_amount: Amount
    won_count: int
    lost_count: int
    win_rate: float | None = None
    new_customers: int


class TopCustomer(BaseModel):
    customer_id: str
    name: str | None = None
    segment: str | None = None
    owner: str | None = None
    revenue_amount: Amount


class FunnelStage(BaseModel):
    stage: str | None = None
    opportunity_count: int
    amount: Amount
    weighted_amount: Amount


class KpiSummary(BaseModel):
    as_of: date | None
    months: list[SummaryMonth]
    segments: list[SummaryGroup]
    owners: list[SummaryGroup]
    top_customers: list[TopCustomer]
    funnel: list[FunnelStage]
    relationship: RelationshipKpis = RelationshipKpis()
    snapshot: str


@router.get("/kpis/summary", response_model=KpiSummary)
def read_kpi_summary(
    user: ExecutiveUser,
    snap: SnapshotDep,
    date_from: Annotated[str | None, month_query("from")] = None,
    date_to: Annotated[str | None, month_query("to")] = None,
    segment: str | None = None,
) -> Any:
    """KPIs of the months ``from``..``to`` (e.g. 2025-01..2026-11), never after the as-of."""
    found = snap.one("kpi_summary_as_of", needs=["mart.balance_history"]) or {}
    as_of = found.get("as_of")
    period = {
        "date_from": _month(date_from, "from"),
        "date_to": _month(date_to, "to"),
        "as_of": as_of,
    }
    with_segment = {**period, "segment": segment}
    needs = [KPI, "mart.balance_history", "core.revenue_line", "core.customer"]
    segments = snap.rows("kpi_summary_segments", period, needs=[KPI])
    for row in segments:
        won, lost = row["won_count"], row["lost_count"]
        row["win_rate"] = won / (won + lost) if won + lost else None
    return {
        "as_of": as_of,
        "months": snap.rows("kpi_summary_months", with_segment, needs=needs) if as_of else [],
        "segments": segments if as_of else [],
        "owners": snap.rows("kpi_summary_owners", with_segment, needs=[KPI]) if as_of else [],
        "top_customers": snap.rows(
            "kpi_summary_top_customers",
            with_segment,
            needs=["core.revenue_line", "mart.customer_360"],
        )
        if as_of
        else [],
        "funnel": snap.rows(
            "kpi_summary_funnel", {"segment": segment}, needs=["core.opportunity", "core.customer"]
        ),
        "relationship": relationship_kpis(snap, period, segment),
        "snapshot": snap.build_id,
    }
