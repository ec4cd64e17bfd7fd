"""KPIs (executive): the as-of month's headline and 24 months of trends, from aggregates
the API computes for the period (``GET /kpis/summary``), never from a page of rows."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pandas as pd
import streamlit as st

from dashboard import charts, session
from dashboard.aggregate import measured_months, month_name, months_back
from dashboard.client import kpi_summary_request
from dashboard.i18n import (
    format_amount,
    format_date,
    format_number,
    format_percent,
    t,
    to_decimal,
    value_label,
)
from dashboard.tables import numeric_frame
from dashboard.widgets import cards_html, show_chart, show_table

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
    cards = [
        (t("revenue", lang), format_amount(head.get("revenue_amount"), lang, decimals=0)),
        (t("credit_notes", lang), format_amount(head.get("credit_note_amount"), lang, decimals=0)),
        (t("open_pipeline", lang), format_amount(pipeline, lang, decimals=0)),
        (t("win_rate", lang), format_percent(head.get("win_rate"), lang)),
        (t("dso", lang), format_number(head.get("dso_days"), lang, 0)),
        (t("overdue_share", lang), format_percent(head.get("overdue_share"), lang)),
        (t("active_customers", lang), format_number(head.get("active_customers"), lang, 0)),
        (t("new_customers", lang), format_number(head.get("new_customers"), lang, 0)),
    ]
    # one HTML grid, not eight st.metric widgets for the browser to mount
    st.html(cards_html([(label, value, None) for label, value in cards]))


def _groups(records: list[dict[str, Any]], key: str, lang: str) -> pd.DataFrame:
    data = [{**r, key: value_label(r.get(key), lang)} for r in records]
    return numeric_frame(data, ["revenue_amount", "pipeline_amount"])


def _collections(months: list[dict[str, Any]], as_of: date, lang: str) -> None:
    """DSO and overdue share month by month; with one measured month (one build so far) the
    value at the as-of date is said as such, not drawn as a one-point line."""
    formats: tuple[tuple[str, str, Callable[[Any], str]], ...] = (
        ("dso_days", "dso_trend", lambda v: format_number(v, lang, 0)),
        ("overdue_share", "overdue_share_trend", lambda v: format_percent(v, lang)),
    )
    for key, title, fmt in formats:
        points = measured_months(months, key)
        label = t("dso" if key == "dso_days" else "overdue_share", lang)
        if len(points) > 1:
            chart = charts.month_lines_html(
                numeric_frame(points, []), {key: label}, t(title, lang), lang, key != "dso_days"
            )
            st.html(chart)
        elif points:
            st.metric(
                t("value_at", lang, label=label, date=format_date(as_of, lang)),
                fmt(points[-1][key]),
            )
        else:
            st.info(t("no_history_point", lang, label=t(title, lang)))
    if len(measured_months(months, "dso_days")) <= 1:
        st.caption(t("one_point", lang))


def _revenue(summary: dict[str, Any], trend: dict[str, Any], lang: str) -> None:
    months = numeric_frame(summary["months"], AMOUNTS)
    trend_frame = numeric_frame(trend["months"], AMOUNTS)
    left, right = st.columns(2)
    revenue = charts.year_over_year_html(
        trend_frame, "revenue_amount", t("revenue_trend", lang), lang
    )
    left.html(revenue)
    credit = {"credit_note_amount": t("credit_notes", lang)}
    right.html(charts.month_lines_html(months, credit, t("credit_notes", lang), lang))


def _pipeline(summary: dict[str, Any], lang: str) -> None:
    months = numeric_frame(summary["months"], AMOUNTS)
    left, right = st.columns(2)
    stages = pd.DataFrame(summary.get("funnel") or [])
    if stages.empty:
        left.info(t("empty", lang))
    else:
        stages = stages.assign(
            stage=[value_label(s, lang) for s in stages["stage"]],
            amount=[float(a) for a in stages["amount"]],
        ).iloc[::-1]
        show_chart(lang, left, charts.funnel(stages, "stage", "amount", t("funnel", lang)))
    rate = {"win_rate": t("win_rate", lang)}
    right.html(charts.month_lines_html(months, rate, t("win_rate_trend", lang), lang, True))


def _customers(summary: dict[str, Any], lang: str) -> None:
    months = numeric_frame(summary["months"], AMOUNTS)
    counts = {
        "active_customers": t("active_customers", lang),
        "new_customers": t("new_customers", lang),
    }
    st.html(charts.month_lines_html(months, counts, t("customers_trend", lang), lang))
    st.subheader(t("top_customers", lang))
    show_table(
        summary.get("top_customers") or [],
        lang,
        ["name", "segment", "owner", "revenue_amount"],
        key="kpi_top",
    )


def _segments(summary: dict[str, Any], lang: str) -> None:
    frame = _groups(summary.get("segments") or [], "segment", lang)
    if frame.empty:
        st.info(t("empty", lang))
        return
    title = t("by_segment_title", lang)
    show_chart(lang, st, charts.horizontal_bar(frame, "segment", "revenue_amount", title))


def _owners(summary: dict[str, Any], lang: str) -> None:
    owners = summary.get("owners") or []
    frame = _groups(owners, "owner", lang)
    if not frame.empty:
        title = t("by_owner_title", lang)
        show_chart(lang, st, charts.horizontal_bar(frame, "owner", "revenue_amount", title))
    show_table(
        owners,
        lang,
        ["owner", "revenue_amount", "credit_note_amount", "won_count", "lost_count",
         "win_rate", "new_customers"],
        key="kpi_owners",
    )  # fmt: skip


TABS = ("kpi_tab_revenue", "kpi_tab_collections", "kpi_tab_pipeline", "kpi_tab_customers",
        "kpi_tab_segments", "kpi_tab_owners")  # fmt: skip


@st.fragment
def _tabs(summary: dict[str, Any], trend: dict[str, Any], as_of: date, lang: str) -> None:
    """One tab drawn at a time (each is a few plotly figures); switching reruns only this."""
    tabs = st.tabs([t(n, lang) for n in TABS], key="kpi_tab", on_change="rerun")
    draw = {
        "kpi_tab_revenue": lambda: _revenue(summary, trend, lang),
        "kpi_tab_collections": lambda: _collections(summary["months"], as_of, lang),
        "kpi_tab_pipeline": lambda: _pipeline(summary, lang),
        "kpi_tab_customers": lambda: _customers(summary, lang),
        "kpi_tab_segments": lambda: _segments(summary, lang),
        "kpi_tab_owners": lambda: _owners(summary, lang),
    }
    for name, tab in zip(TABS, tabs, strict=True):
        with tab:
            if tab.open:
                draw[name]()


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
    period = kpi_summary_request(months_back(as_of, int(span)), None, segment)
    last_24 = kpi_summary_request(months_back(as_of, 24), None, segment)
    api.prefetch([period, last_24])  # both at once; the trend is 24 months whatever the period
    summary = session.fetch(api.get, *period)
    if summary is not None and not summary.get("months"):
        st.info(t("no_kpis", lang))
    elif summary is not None:
        _headline(summary, lang)
        trend = session.fetch(api.get, *last_24) or summary
        _tabs(summary, trend, as_of, lang)
