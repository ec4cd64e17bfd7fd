"""The relationship part of /kpis/summary: quote conversion and ageing, tickets opened and
closed, days-to-pay by month and by segment (mart.kpi_monthly, core.open_quote)."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel

from api.schemas import Amount
from api.snapshot import SnapshotReader

# Built with the relationship KPIs: a snapshot without it has none of their columns.
_MARKER = "core.quote_outcome"


class RelationshipMonth(BaseModel):
    month: date
    quotes_issued_count: int
    quotes_won_count: int
    quotes_lost_count: int
    quote_conversion_rate: float | None = None
    tickets_opened_count: int
    tickets_closed_count: int
    paid_invoice_count: int
    avg_days_to_pay: float | None = None


class RelationshipSegment(BaseModel):
    segment: str | None = None
    paid_invoice_count: int
    avg_days_to_pay: float | None = None
    on_time_rate: float | None = None
    quotes_issued_count: int
    quote_conversion_rate: float | None = None


class QuoteAgeBucket(BaseModel):
    bucket: str  # 0-15 | 16-30 | 31-60 | 61-90 | over_90 (days since issue)
    quote_count: int
    amount: Amount


class RelationshipKpis(BaseModel):
    months: list[RelationshipMonth] = []
    segments: list[RelationshipSegment] = []
    quote_ageing: list[QuoteAgeBucket] = []


def relationship_kpis(
    snap: SnapshotReader, period: dict[str, Any], segment: str | None
) -> dict[str, Any]:
    """The period's relationship KPIs; empty lists for a snapshot built without them."""
    if period.get("as_of") is None:
        return {"months": [], "segments": [], "quote_ageing": []}
    needs = ["mart.kpi_monthly", _MARKER]
    period = {k: period[k] for k in ("date_from", "date_to", "as_of")}
    return {
        "months": snap.rows(
            "kpi_summary_relationship_months", {**period, "segment": segment}, needs=needs
        ),
        "segments": snap.rows("kpi_summary_relationship_segments", period, needs=needs),
        "quote_ageing": snap.rows(
            "kpi_summary_quote_ageing",
            {"segment": segment},
            needs=["core.open_quote", "core.customer", _MARKER],
        ),
    }
