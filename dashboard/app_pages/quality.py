"""Data quality (admin): runs, rejects with reasons, match rates, conflicts, review queue.

``GET /quality`` is an object of sections; each is rendered generically (lists as tables,
flat objects as metrics) so new sections appear without a dashboard change.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from dashboard import session
from dashboard.client import ApiError
from dashboard.i18n import (
    column_label,
    format_datetime,
    format_number,
    format_percent,
    md_escape,
    t,
)
from dashboard.widgets import show_table

DECIDED = "c360_decided"


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


def _pair_key(side: str, pair: dict[str, Any]) -> str:
    return f"{pair.get(side + '_source')}:{pair.get(side + '_source_id')}"


def _decide(kind: str, left: str, right: str) -> None:
    lang = session.lang()
    try:
        session.client().decide(kind, left, right, reason="dashboard review queue")
    except ApiError as exc:
        session.show_api_error(exc)
        return
    st.session_state[DECIDED] = t("decision_saved", lang, left=left, right=right)


def _review_queue(value: dict[str, Any], lang: str) -> None:
    """Each candidate pair with its evidence and the steward's two answers."""
    st.subheader(column_label("review_queue", lang))
    done = st.session_state.pop(DECIDED, None)
    if done:
        st.success(md_escape(done), icon=":material/check_circle:")
    pairs = value.get("data") or []
    if not pairs:
        st.info(t("review_empty", lang))
        return
    for i, pair in enumerate(pairs):
        left, right = _pair_key("left", pair), _pair_key("right", pair)
        score = format_percent(pair.get("score"), lang)
        with st.container(border=True):
            st.markdown(f"**{md_escape(left)}** ↔ **{md_escape(right)}** · {score}")
            st.caption(md_escape(pair.get("evidence_text") or ""))
            cols = st.columns(2)
            cols[0].button(
                t("always_match", lang), key=f"rq_yes_{i}", icon=":material/link:",
                on_click=_decide, args=("always_match", left, right),
            )  # fmt: skip
            cols[1].button(
                t("never_match", lang), key=f"rq_no_{i}", icon=":material/link_off:",
                on_click=_decide, args=("never_match", left, right),
            )  # fmt: skip
    count = value.get("count")
    if isinstance(count, int) and count > len(pairs):
        st.caption(t("shown_of", lang, shown=len(pairs), count=count))


def _section(name: str, value: Any, lang: str) -> None:
    if name == "review_queue" and isinstance(value, dict):
        _review_queue(value, lang)
        return
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
