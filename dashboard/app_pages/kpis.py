"""KPIs (executive): the as-of month's headline and 24 months of trends, from aggregates
the API computes for the period (``GET /kpis/summary``), never from a page of rows."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pandas as pd
import streamlit as st

from dashboard import charts, session
from dashboard.aggregate import month_name, months_back
from dashboard.i18n import (
    format_amount,
    format_date,
    format_number,
    format_percent,
    t,
    to_decimal,
    value_label,
)
from dashboard.tables import display_frame, numeric_frame
from dashboard.widgets import show_chart

AMOUNTS = ["revenue_amount", "credit_note_amount", "pipeline_amount", "weighted_pipeline_amount"]


def _headline(summary: dict[str, Any], lang: str) -> None:
    months = summary.get("months") or []
    head = months[-1] if months else {}
    as_of = summary.get("as_of")
    st.caption(
        t(
            "kpi_as_of",
            lang,
            month=month_name(head.get("month"), lang),
            as_of=format_date(as_of, lang),
        )
    )
    funnel = summary.get("funnel") or []
    pipeline = sum((to_decimal(f.get("amount")) or Decimal(0) for f in funnel), Decimal(0))
    row = st.columns(4)
    row[0].metric(t("revenue", lang), format_amount(head.get("revenue_amount"), lang, decimals=0))
    row[1].metric(
        t("credit_notes", lang), format_amount(head.get("credit_note_amount"), lang, decimals=0)
    )
    row[2].metric(t("open_pipeline", lang), format_amount(pipeline, lang, decimals=0))
    row[3].metric(t("win_rate", lang), format_percent(head.get("win_rate"), lang))
    row = st.columns(4)
    row[0].metric(t("dso", lang), format_number(head.get("dso_days"), lang, 0))
    row[1].metric(t("overdue_share", lang), format_percent(head.get("overdue_share"), lang))
    row[2].metric(t("active_customers", lang), format_number(head.get("active_customers"), lang, 0))
    row[3].metric(t("new_customers", lang), format_number(head.get("new_customers"), lang, 0))


def _groups(records: list[dict[str, Any]], key: str, lang: str) -> pd.DataFrame:
    data = [{**r, key: value_label(r.get(key), lang)} for r in records]
    return numeric_frame(data, ["revenue_amount", "pipeline_amount"])


lang = session.lang()
api = session.client()
st.title(t("page_kpis", lang))

controls = st.columns([1, 2])
span = controls[0].selectbox(
    t("period_months", lang), (12, 24, 36), index=1, key="kpi_span",
    format_func=lambda n: f"{n} " + ("mois" if lang == "fr" else "months"),
)  # fmt: skip
probe = session.fetch(api.kpi_summary)
if probe is not None:
    segments = sorted({str(r.get("segment")) for r in probe.get("segments") or []} - {"(others)"})
    segment = controls[1].selectbox(
        t("segment", lang), segments, index=None, key="kpi_segment",
        placeholder=t("all", lang), format_func=lambda s: value_label(s, lang),
    )  # fmt: skip
    as_of_text = probe.get("as_of")
    if not as_of_text:
        st.info(t("no_kpis", lang))
        st.stop()
    as_of = date.fromisoformat(str(as_of_text)[:10])
    summary = session.fetch(api.kpi_summary, months_back(as_of, int(span)), None, segment)
    if summary is not None and not summary.get("months"):
        st.info(t("no_kpis", lang))
    elif summary is not None:
        _headline(summary, lang)
        months = numeric_frame(summary["months"], AMOUNTS)
        trend = session.fetch(api.kpi_summary, months_back(as_of, 24), None, segment) or summary
        trend_frame = numeric_frame(trend["months"], AMOUNTS)
        left, right = st.columns(2)
        show_chart(
            lang,
            left,
            charts.year_over_year(trend_frame, "revenue_amount", t("revenue_trend", lang)),
        )
        show_chart(
            lang,
            right,
            charts.month_line(
                months,
                {"credit_note_amount": t("credit_notes", lang)},
                t("credit_notes", lang),
            ),
        )
        left, right = st.columns(2)
        show_chart(
            lang,
            left,
            charts.month_line(months, {"dso_days": t("dso", lang)}, t("dso_trend", lang)),
        )
        show_chart(
            lang,
            right,
            charts.month_line(
                months,
                {"overdue_share": t("overdue_share", lang), "win_rate": t("win_rate", lang)},
                t("overdue_trend", lang),
                percent=True,
            ),
        )
        left, right = st.columns(2)
        stages = pd.DataFrame(summary.get("funnel") or [])
        if not stages.empty:
            stages = stages.assign(
                stage=[value_label(s, lang) for s in stages["stage"]],
                amount=[float(a) for a in stages["amount"]],
            ).iloc[::-1]
        show_chart(lang, left, charts.funnel(stages, "stage", "amount", t("funnel", lang)))
        show_chart(
            lang,
            right,
            charts.month_line(
                months,
                {
                    "active_customers": t("active_customers", lang),
                    "new_customers": t("new_customers", lang),
                },
                t("customers_trend", lang),
            ),
        )
        left, right = st.columns(2)
        show_chart(
            lang,
            left,
            charts.horizontal_bar(
                _groups(summary.get("segments") or [], "segment", lang),
                "segment",
                "revenue_amount",
                t("by_segment_title", lang),
            ),
        )
        show_chart(
            lang,
            right,
            charts.horizontal_bar(
                _groups(summary.get("owners") or [], "owner", lang),
                "owner",
                "revenue_amount",
                t("by_owner_title", lang),
            ),
        )
        st.subheader(t("by_owner_title", lang))
        st.dataframe(
            display_frame(
                summary.get("owners") or [],
                lang,
                ["owner", "revenue_amount", "credit_note_amount", "won_count", "lost_count",
                 "win_rate", "new_customers"],
            ),
            hide_index=True,
        )  # fmt: skip
        st.subheader(t("top_customers", lang))
        st.dataframe(
            display_frame(
                summary.get("top_customers") or [],
                lang,
                ["name", "segment", "owner", "revenue_amount"],
            ),
            hide_index=True,
        )
