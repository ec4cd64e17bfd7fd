"""Pure reshaping of API lists for the portfolio pages (no Streamlit calls)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd

from dashboard.tables import numeric

KPI_SUMS = [
    "revenue_amount",
    "credit_note_amount",
    "pipeline_amount",
    "weighted_pipeline_amount",
    "won_count",
    "lost_count",
    "active_customers",
    "new_customers",
]
KPI_MEANS = ["dso_days", "overdue_share"]


def kpi_month_segment(records: list[dict[str, Any]]) -> pd.DataFrame:
    """KPI rows rolled up to one row per (month, segment), numbers ready to plot.

    Rows with an empty ``owner`` are taken as segment totals when the API sends both
    levels; otherwise owner rows are summed. Ratios (DSO, overdue share) are averaged and
    the win rate is recomputed as won ÷ (won + lost).
    """
    frame = pd.DataFrame(records)
    if frame.empty or "month" not in frame:
        return pd.DataFrame(columns=["month", "segment", *KPI_SUMS, *KPI_MEANS, "win_rate"])
    if "owner" in frame:
        blank = frame["owner"].isna() | (frame["owner"].astype(str) == "")
        if blank.any() and (~blank).any():
            frame = frame[blank]
    frame = frame.assign(
        month=frame["month"].astype(str).str[:7],
        segment=frame.get("segment", pd.Series(index=frame.index, dtype=object))
        .fillna("—")
        .astype(str),
    )
    sums = [c for c in KPI_SUMS if c in frame]
    means = [c for c in KPI_MEANS if c in frame]
    for column in sums + means:
        frame[column] = pd.to_numeric(pd.Series(numeric(frame[column]), index=frame.index))
    grouped = frame.groupby(["month", "segment"], as_index=False).agg(
        {**{c: "sum" for c in sums}, **{c: "mean" for c in means}}
    )
    if {"won_count", "lost_count"} <= set(grouped):
        decided = grouped["won_count"] + grouped["lost_count"]
        grouped["win_rate"] = (grouped["won_count"] / decided.where(decided > 0)).astype(float)
    return grouped.sort_values(["month", "segment"]).reset_index(drop=True)


def latest_totals(frame: pd.DataFrame) -> dict[str, Any]:
    """Headline numbers of the latest month across segments."""
    if frame.empty:
        return {}
    month = frame["month"].max()
    part = frame[frame["month"] == month]
    out: dict[str, Any] = {"month": month}
    for column in KPI_SUMS:
        if column in part:
            out[column] = float(part[column].sum())
    for column in KPI_MEANS:
        if column in part:
            out[column] = float(part[column].mean())
    return out


def kpi_total(frame: pd.DataFrame, label: str = "Total") -> pd.DataFrame:
    """All segments of ``kpi_month_segment`` summed per month (one line per month).

    DSO and overdue share are averaged weighted by revenue (plain mean without revenue).
    """
    if frame.empty:
        return frame
    sums = [c for c in KPI_SUMS if c in frame]
    out = frame.groupby("month", as_index=False)[sums].sum()
    weights = frame.get("revenue_amount", None)
    for column in [c for c in KPI_MEANS if c in frame]:
        values = frame[column]
        if weights is not None:
            valid = values.notna() & weights.gt(0)
            num = (values.where(valid) * weights.where(valid)).groupby(frame["month"]).sum()
            den = weights.where(valid).groupby(frame["month"]).sum()
            weighted = num / den.where(den > 0)
            fallback = values.groupby(frame["month"]).mean()
            out[column] = out["month"].map(weighted.fillna(fallback))
        else:
            out[column] = out["month"].map(values.groupby(frame["month"]).mean())
    if {"won_count", "lost_count"} <= set(out):
        decided = out["won_count"] + out["lost_count"]
        out["win_rate"] = (out["won_count"] / decided.where(decided > 0)).astype(float)
    return out.assign(segment=label).sort_values("month").reset_index(drop=True)


def months_back(as_of: date, n: int) -> str:
    """The first month of the ``n`` months ending with the as-of month (``YYYY-MM``)."""
    index = as_of.year * 12 + as_of.month - 1 - (n - 1)
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def month_name(month: Any, lang: str) -> str:
    """``2026-11-01`` → ``11/2026`` (fr) / ``2026-11`` (en)."""
    text = str(month or "")[:7]
    return f"{text[5:7]}/{text[:4]}" if lang == "fr" and len(text) == 7 else text


def measured_months(months: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    """The months where the balance history gives ``key`` (DSO, overdue share)."""
    return [m for m in months if m.get(key) is not None]
