"""KPIs (executive): revenue, pipeline, DSO and overdue share by month and segment."""

from __future__ import annotations

from datetime import date

import streamlit as st

from dashboard import charts, session
from dashboard.aggregate import kpi_month_segment, kpi_total, latest_totals
from dashboard.client import rows
from dashboard.i18n import format_amount, format_number, format_percent, t
from dashboard.widgets import show_chart

lang = session.lang()
api = session.client()
st.title(t("page_kpis", lang))

today = date.today()
cols = st.columns([1, 1, 2, 1])
start = cols[0].date_input(
    t("period_from", lang),
    date(today.year - 1, 1, 1),
    format="DD/MM/YYYY" if lang == "fr" else "YYYY-MM-DD",
)
end = cols[1].date_input(
    t("period_to", lang), today, format="DD/MM/YYYY" if lang == "fr" else "YYYY-MM-DD"
)
everything = session.fetch(api.kpis, str(start), str(end))
segments = sorted({str(r.get("segment")) for r in rows(everything) if r.get("segment")})
segment = cols[2].selectbox(
    t("segment", lang), segments, index=None, key="kpi_segment", placeholder=t("all", lang)
)
split = cols[3].toggle(t("split_by_segment", lang), key="kpi_split")

payload = session.fetch(api.kpis, str(start), str(end), segment) if segment else everything
if payload is not None:
    frame = kpi_month_segment(rows(payload))
    if not split:
        frame = kpi_total(frame, segment or t("all", lang))
    if frame.empty:
        st.info(t("empty", lang))
    else:
        head = latest_totals(frame)
        st.caption(t("latest_month", lang, month=head.get("month")))
        m = st.columns(5)
        m[0].metric(t("revenue", lang), format_amount(head.get("revenue_amount"), lang, decimals=0))
        m[1].metric(
            t("pipeline", lang), format_amount(head.get("pipeline_amount"), lang, decimals=0)
        )
        m[2].metric(t("dso", lang), format_number(head.get("dso_days"), lang, 0))
        m[3].metric(t("overdue_share", lang), format_percent(head.get("overdue_share"), lang))
        m[4].metric(
            t("active_customers", lang), format_number(head.get("active_customers"), lang, 0)
        )
        st.subheader(t("by_month_segment", lang))
        left, right = st.columns(2)
        show_chart(
            lang,
            left,
            charts.by_segment(frame, "month", "revenue_amount", t("revenue", lang)),
        )
        show_chart(
            lang,
            right,
            charts.by_segment(frame, "month", "pipeline_amount", t("pipeline", lang)),
        )
        left, right = st.columns(2)
        show_chart(
            lang,
            left,
            charts.by_segment(frame, "month", "dso_days", t("dso", lang), kind="line"),
        )
        show_chart(
            lang,
            right,
            charts.by_segment(
                frame, "month", "overdue_share", t("overdue_share", lang), kind="line", percent=True
            ),
        )
