"""Data quality (admin): runs, rejects with reasons, match rates, conflicts, review queue.

``GET /quality`` is an object of sections; each is rendered generically (lists as tables,
flat objects as metrics) so new sections appear without a dashboard change.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from dashboard import session
from dashboard.i18n import column_label, format_datetime, format_number, format_percent, t
from dashboard.widgets import show_table


def _scalar(name: str, value: Any, lang: str) -> str:
    if name == "snapshot":
        return format_datetime(value, lang)
    if isinstance(value, int | float) and not isinstance(value, bool):
        is_ratio = name.endswith(("_rate", "_share", "_ratio")) and abs(value) <= 1
        return (
            format_percent(value, lang)
            if is_ratio
            else format_number(value, lang, 0 if isinstance(value, int) else 2)
        )
    return "—" if value is None else str(value)


def _section(name: str, value: Any, lang: str) -> None:
    st.subheader(column_label(name, lang))
    if isinstance(value, list) or isinstance(value, dict) and "data" in value:
        show_table(value, lang, key=f"q_{name}")
    elif isinstance(value, dict):
        flat = {k: v for k, v in value.items() if not isinstance(v, dict | list)}
        nested = {k: v for k, v in value.items() if isinstance(v, dict | list)}
        for start in range(0, len(flat), 4):
            chunk = list(flat.items())[start : start + 4]
            for col, (key, item) in zip(st.columns(4), chunk, strict=False):
                col.metric(column_label(key, lang), _scalar(key, item, lang))
        for key, item in nested.items():
            st.markdown(f"**{column_label(key, lang)}**")
            if isinstance(item, list):
                show_table(item, lang, key=f"q_{name}_{key}")
            else:
                st.json(item, expanded=False)
    else:
        st.metric(column_label(name, lang), _scalar(name, value, lang))


lang = session.lang()
api = session.client()
st.title(t("page_quality", lang))

checks, rejected, runs = st.tabs(
    [t("quality_sections", lang), t("reject_rows", lang), t("runs", lang)]
)
with checks:
    quality = session.fetch(api.quality)
    if quality is not None:
        if not quality:
            st.info(t("empty", lang))
        scalars = {k: v for k, v in quality.items() if not isinstance(v, dict | list)}
        for col, (key, item) in zip(
            st.columns(max(len(scalars), 1)), scalars.items(), strict=False
        ):
            col.metric(column_label(key, lang), _scalar(key, item, lang))
        for section, content in quality.items():
            if section not in scalars:
                _section(section, content, lang)
with rejected:
    reject_rows = session.fetch(api.rejects)
    if reject_rows is not None:
        show_table(reject_rows, lang, key="reject_rows")
with runs:
    history = session.fetch(api.runs)
    if history is not None:
        st.subheader(t("ingest_runs", lang))
        show_table(
            history.get("ingest_runs") or history.get("ingest") or [], lang, key="runs_ingest"
        )
        st.subheader(t("builds", lang))
        show_table(history.get("builds") or [], lang, key="runs_builds")
