"""The relationship part of /kpis/summary: quote conversion and ageing, tickets opened and
closed, days-to-pay by month and by segment.

Read from the serving contract (warehouse/sql/serving/kpi_relationship_*.sql,
kpi_quote_ageing.sql): the months of a period are a range of precomputed rows per scope;
the figures by segment are the difference of two running-total rows per segment (at the
period's last month and before its first), divided here; the quote ageing is one row per
scope. A request reads a few rows per month or per segment, never the snapshot."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from sqlite3 import Connection
from typing import Any

from pydantic import BaseModel

from api import serving
from api.schemas import Amount


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


_SUMMED = (
    "paid_invoice_count",
    "days_to_pay_total",
    "paid_on_time_count",
    "quotes_issued_count",
    "quotes_won_count",
    "quotes_lost_count",
)


def ratio(part: Any, whole: Any, places: str = "0.0001") -> Decimal | None:
    """part ÷ whole rounded half up to `places` (None when whole is 0): every rate of
    /kpis/summary a request divides, to the 4 decimals (days: 1) the build's are stored."""
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(Decimal(places), ROUND_HALF_UP)


def _running(lite: Connection, bound: str) -> dict[str, dict[str, Any]]:
    """Each segment's running totals at the last month <= `bound` ({} before the first)."""
    rows = lite.execute(
        "select doc from kpi_relationship_total where month = "
        "(select max(month) from kpi_relationship_total where month <= ?)",
        (bound,),
    ).fetchall()
    docs = [serving.loads(r[0]) for r in rows]
    return {d["segment"]: d for d in docs}


def _segments(lite: Connection, first: date | None, last: date | None) -> list[dict[str, Any]]:
    if first is not None and last is not None and first > last:
        return []
    upto = _running(lite, last.isoformat() if last else "9999-12-31")
    before = _running(lite, date.fromordinal(first.toordinal() - 1).isoformat()) if first else {}
    out = []
    for segment in sorted(upto):
        end, start = upto[segment], before.get(segment, {})
        t = {k: end[k] - start.get(k, 0) for k in _SUMMED}
        if t["paid_invoice_count"] + t["quotes_issued_count"] <= 0:
            continue
        paid, decided = t["paid_invoice_count"], t["quotes_won_count"] + t["quotes_lost_count"]
        out.append(
            {
                "segment": segment,
                "paid_invoice_count": paid,
                "avg_days_to_pay": ratio(t["days_to_pay_total"], paid, "0.1"),
                "on_time_rate": ratio(t["paid_on_time_count"], paid),
                "quotes_issued_count": t["quotes_issued_count"],
                "quote_conversion_rate": ratio(t["quotes_won_count"], decided),
            }
        )
    return out


def _quote_ageing(lite: Connection, scope: str) -> list[Any]:
    row = serving.one(lite, "select doc from kpi_quote_ageing where scope = ?", (scope,))
    if row is not None:
        return list(serving.loads(row[0]))
    # A segment without open quotes: every bucket, empty (the buckets are scope ''s).
    row = serving.one(lite, "select doc from kpi_quote_ageing where scope = ''", ())
    if row is None:  # a snapshot built without the relationship KPIs
        return []
    return [{**b, "quote_count": 0, "amount": Decimal("0.00")} for b in serving.loads(row[0])]


def relationship_kpis(
    lite: Connection, scope: str, first: date | None, last: date | None
) -> dict[str, Any]:
    """The period's relationship KPIs (empty lists for a snapshot built without them);
    `scope` '' is every segment."""
    months = [
        serving.loads(r[0])
        for r in lite.execute(
            "select doc from kpi_relationship_month where scope = ? and month >= ? "
            "and month <= ? order by month",
            (scope, first.isoformat() if first else "", last.isoformat() if last else "9999-12-31"),
        ).fetchall()
    ]
    return {
        "months": months,
        "segments": _segments(lite, first, last),
        "quote_ageing": _quote_ageing(lite, scope),
    }
