"""KPI aggregates of a period for the executive page (never a page of rows the dashboard
would have to add up): month by month up to the as-of month, by segment (8 largest +
others), by owner, top customers and the open pipeline by stage.

Read from the serving contract (warehouse/sql/serving/kpi_summary_*.sql): the months of
the period are a range of precomputed rows; the totals by segment and by owner are the
difference of two running-total rows per group (at the period's last month and before
its first); the funnel is stored per segment; the top customers are one stored list per
offered period (docs/api.md). Every rate (win_rate, conversion, on-time) is a number
rounded to 4 decimals, whether stored or divided here."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from api import serving
from api.deps import ExecutiveUser, SnapshotDep
from api.kpi_relationship import RelationshipKpis, ratio, relationship_kpis
from api.params import month_query
from api.params import parse_month as _month
from api.schemas import Amount

router = APIRouter(tags=["kpis"])

WIN_RATE = "won ÷ (won + lost) opportunities, rounded half up to 4 decimals; null without any"


class SummaryMonth(BaseModel):
    month: date
    revenue_amount: Amount
    credit_note_amount: Amount
    pipeline_amount: Amount
    weighted_pipeline_amount: Amount
    won_count: int
    lost_count: int
    win_rate: float | None = Field(None, description=WIN_RATE)
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
    win_rate: float | None = Field(None, description=WIN_RATE)
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
    top_customers_available: bool = Field(
        True,
        description="false when the period is not one the top customers are kept for "
        "(periods ending at the as-of month, and single months): top_customers is then empty",
    )
    funnel: list[FunnelStage]
    relationship: RelationshipKpis = RelationshipKpis()
    snapshot: str


_SUMMED = (
    "revenue_amount",
    "credit_note_amount",
    "pipeline_amount",
    "won_count",
    "lost_count",
    "new_customers",
    "n",
)
_TOP_SEGMENTS = 8


def _win_rate(won: int, lost: int) -> Any:
    return ratio(won, won + lost)


def _running(lite: Any, kind: str, scope: str, month: str) -> dict[str, dict[str, Any]]:
    """Each group's running totals at the last month <= `month` ({} before the first)."""
    found = serving.one(
        lite,
        "select max(month) from kpi_summary_total where kind = ? and scope = ? and month <= ?",
        (kind, scope, month),
    )
    if not found or found[0] is None:
        return {}
    rows = lite.execute(
        "select doc from kpi_summary_total where kind = ? and scope = ? and month = ?",
        (kind, scope, found[0]),
    ).fetchall()
    docs = [serving.loads(r[0]) for r in rows]
    return {d["name"]: d for d in docs}


def _totals(
    lite: Any, kind: str, scope: str, first: date | None, last: date | None
) -> list[dict[str, Any]]:
    """The period's totals per group, groups without a KPI row in it left out."""
    if first is not None and last is not None and first > last:
        return []
    upto = _running(lite, kind, scope, last.isoformat() if last else "9999-12-31")
    before = _running(lite, kind, scope, _day_before(first)) if first else {}
    out = []
    for name, end in upto.items():
        start = before.get(name, {})
        row = {k: end[k] - start.get(k, 0) for k in _SUMMED}
        if row["n"] > 0:
            out.append({"name": name, **row})
    out.sort(key=lambda r: (-r["revenue_amount"], r["name"] is None, r["name"] or ""))
    return out


def _day_before(first: date) -> str:
    """A bound for `month <= ?` taking the months before `first` (months are first days)."""
    return date.fromordinal(first.toordinal() - 1).isoformat()


def _segments(lite: Any, first: date | None, last: date | None) -> list[dict[str, Any]]:
    """The 8 largest segments by revenue, the rest as '(others)'."""
    rows = _totals(lite, "segment", "", first, last)
    out = [{**r, "segment": r["name"]} for r in rows[:_TOP_SEGMENTS]]
    rest = rows[_TOP_SEGMENTS:]
    if rest:
        others = {k: sum(r[k] for r in rest) for k in _SUMMED}
        out.append({**others, "segment": "(others)"})
    for row in out:
        row["win_rate"] = _win_rate(row["won_count"], row["lost_count"])
    return out


def _owners(lite: Any, scope: str, first: date | None, last: date | None) -> list[dict[str, Any]]:
    rows = _totals(lite, "owner", scope, first, last)
    return [
        {**r, "owner": r["name"], "win_rate": _win_rate(r["won_count"], r["lost_count"])}
        for r in rows
    ]


def _months(lite: Any, scope: str, first: date | None, last: date | None) -> list[Any]:
    rows = lite.execute(
        "select doc from kpi_summary_month where scope = ? and month >= ? and month <= ? "
        "order by month",
        (scope, first.isoformat() if first else "", last.isoformat() if last else "9999-12-31"),
    ).fetchall()
    return [serving.loads(r[0]) for r in rows]


def _top_customers(
    lite: Any, scope: str, first: date | None, last: date | None, as_of: date
) -> tuple[list[Any], bool]:
    """The period's top 10 and whether the period is one they are kept for: a period
    ending at (or after) the as-of month, or a single month (one row either way)."""
    if first is not None and last is not None and first > last:
        return [], True
    if last is None or last >= as_of.replace(day=1):
        # Months before the first with revenue add nothing: the earliest kept row.
        found = serving.one(
            lite,
            "select doc from kpi_top_customer where kind = 'from' and scope = ? "
            "and month >= ? order by month limit 1",
            (scope, first.isoformat() if first else ""),
        )
    elif first == last and last is not None:
        found = serving.one(
            lite,
            "select doc from kpi_top_customer where kind = 'month' and scope = ? and month = ?",
            (scope, last.isoformat()),
        )
    else:
        return [], False
    return (serving.loads(found[0]) if found else []), True


@router.get("/kpis/summary", response_model=KpiSummary)
def read_kpi_summary(
    user: ExecutiveUser,
    snap: SnapshotDep,
    date_from: Annotated[str | None, month_query("from")] = None,
    date_to: Annotated[str | None, month_query("to")] = None,
    segment: str | None = None,
) -> Any:
    """KPIs of the months ``from``..``to`` (e.g. 2025-01..2026-11), never after the as-of."""
    lite = snap.lite
    found = serving.one(lite, "select as_of from kpi_summary_as_of", ())
    as_of = date.fromisoformat(found[0]) if found and found[0] else None
    first, last = _month(date_from, "from"), _month(date_to, "to")
    scope = segment if segment is not None else ""
    funnel = [
        serving.loads(r[0])
        for r in lite.execute(
            "select doc from kpi_summary_funnel where scope = ? order by seq", (scope,)
        ).fetchall()
    ]
    if as_of is None:
        empty: dict[str, Any] = {"months": [], "segments": [], "owners": [], "top_customers": []}
        return {"as_of": None, **empty, "funnel": funnel, "snapshot": snap.build_id}
    top, available = _top_customers(lite, scope, first, last, as_of)
    return {
        "as_of": as_of,
        "months": _months(lite, scope, first, last),
        "segments": _segments(lite, first, last),
        "owners": _owners(lite, scope, first, last),
        "top_customers": top,
        "top_customers_available": available,
        "funnel": funnel,
        "relationship": relationship_kpis(lite, scope, first, last),
        "snapshot": snap.build_id,
    }
