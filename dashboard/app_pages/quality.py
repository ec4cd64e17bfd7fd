"""Data quality (admin): each check with its records, matching (rates, conflicts, review
queue, steward decisions), rejected rows with their reasons, and the runs as tables.

Tabs are lazy: only the open one calls the API and is drawn.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from dashboard import session
from dashboard.client import ApiError, rows
from dashboard.i18n import (
    column_label,
    format_datetime,
    format_number,
    format_percent,
    md_escape,
    t,
)
from dashboard.quality_data import build_rows, check_label, reject_summary
from dashboard.widgets import show_table

DECIDED = "c360_decided"
REJECT_PAGE, REJECT_MAX = 100, 500  # the API pages rejects by at most 500
ORPHAN_CHECKS = ("orphan_invoice", "orphan_ledger_line", "orphan_opportunity", "orphan_order")
# Checks whose records the API lists elsewhere on this page (never a second definition).
SHOWN_ELSEWHERE = {"review_pending": "quality_tab_matching"}


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


# --- checks and their records ------------------------------------------------------------
FINDING_COLUMNS = ["severity", "source", "source_id", "customer_id", "detail"]
FINDING_PAGES = "c360_finding_cursors"  # check → cursors of the pages shown (None: first)


def _more_findings(check: str, cursor: str) -> None:
    st.session_state.setdefault(FINDING_PAGES, {}).setdefault(check, [None]).append(cursor)


def _findings(check: str, lang: str) -> None:
    """Every record of one check (``/quality/findings``), a page of the API at a time:
    "show more" adds the next page under the ones shown (pages already read are cached)."""
    cursors = st.session_state.setdefault(FINDING_PAGES, {}).get(check) or [None]
    records: list[dict[str, Any]] = []
    page: dict[str, Any] | None = None
    for cursor in cursors:
        page = session.fetch(session.client().findings, check, cursor)
        if page is None:
            return
        records.extend(rows(page))
    count = page.get("count") if page else None
    # up to 100 rows an HTML table: the data grid would cost the page's first view more
    # than the rest of it; past a page, the grid (sortable, scrolls)
    show_table({"data": records, "count": count}, lang, FINDING_COLUMNS,
               key=f"findings_{check}", technical=True, light=True)  # fmt: skip
    following = page.get("next_cursor") if page else None
    if following:
        st.button(t("load_more", lang), key=f"findings_more_{check}",
                  on_click=_more_findings, args=(check, str(following)))  # fmt: skip


def _check_records(check: dict[str, Any], quality: dict[str, Any], lang: str) -> None:
    """The records of one check, and where the page says more about them."""
    name = str(check.get("check_name") or "")
    if name == "address_differs":
        st.caption(t("check_by_field", lang))
        show_table((quality.get("conflicts") or {}).get("by_field") or [], lang, key="check_fields")
    elif name in SHOWN_ELSEWHERE:
        st.caption(t("check_elsewhere", lang, where=t(SHOWN_ELSEWHERE[name], lang)))
    elif name in ORPHAN_CHECKS:
        st.caption(t("check_orphans", lang, where=t("quality_tab_matching", lang)))
    _findings(name, lang)


def _checks(quality: dict[str, Any], lang: str) -> None:
    scalars = {k: v for k, v in quality.items() if not isinstance(v, dict | list)}
    for col, (key, item) in zip(st.columns(max(len(scalars), 1)), scalars.items(), strict=False):
        col.metric(column_label(key, lang), _scalar(key, item, lang))
    checks = [c for c in quality.get("checks") or [] if c.get("check_name")]
    st.subheader(column_label("checks", lang))
    if not checks:
        st.success(t("no_check_failed", lang), icon=":material/check_circle:")
        return
    show_table(checks, lang, ["check_name", "severity", "count"], key="q_checks", light=True)
    by_name = {str(c["check_name"]): c for c in checks}
    picked = st.selectbox(
        t("check_drill", lang), list(by_name), index=0, key="q_check",
        format_func=lambda n: check_label(by_name[n], lang),
    )  # fmt: skip
    if picked:
        _check_records(by_name[picked], quality, lang)


# --- matching ----------------------------------------------------------------------------
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


def _matching(quality: dict[str, Any], lang: str) -> None:
    st.subheader(column_label("match_rates", lang))
    show_table(quality.get("match_rates") or [], lang, key="q_match_rates")
    conflicts = quality.get("conflicts") or {}
    st.subheader(f"{t('conflicts', lang)} ({format_number(conflicts.get('count'), lang, 0)})")
    show_table(conflicts.get("by_field") or [], lang, key="q_conflicts")
    _review_queue(quality.get("review_queue") or {}, lang)
    orphans = quality.get("orphans") or {}
    st.subheader(column_label("orphans", lang))
    show_table(orphans, lang, key="q_orphans")
    st.subheader(column_label("decisions", lang))
    show_table(quality.get("decisions") or [], lang, key="q_decisions")


# --- rejects -----------------------------------------------------------------------------
def _more_rejects() -> None:
    st.session_state["q_rej_limit"] = min(
        st.session_state.get("q_rej_limit", REJECT_PAGE) + REJECT_PAGE, REJECT_MAX
    )


def _rejects(quality: dict[str, Any], lang: str) -> None:
    summary = reject_summary(quality)
    if not summary:
        st.success(t("no_rejects", lang), icon=":material/check_circle:")
        return
    st.subheader(t("reject_reasons", lang))
    show_table(summary, lang, ["source", "reason", "count"], key="q_reject_summary")
    sources = sorted({str(r["source"]) for r in summary if r.get("source")})
    source = st.selectbox(
        column_label("source", lang), sources, index=None, key="q_rej_source",
        placeholder=t("all", lang),
    )  # fmt: skip
    limit = int(st.session_state.get("q_rej_limit", REJECT_PAGE))
    payload = session.fetch(session.client().rejects, limit=limit, source=source)
    st.subheader(t("reject_rows", lang))
    show_table(payload, lang, ["source", "file", "line", "object", "reason", "raw", "run_id"],
               key="q_reject_rows", technical=True)  # fmt: skip
    if payload and payload.get("next_cursor") and limit < REJECT_MAX:
        st.button(t("load_more", lang), on_click=_more_rejects, key="q_rej_more")


# --- runs --------------------------------------------------------------------------------
def _runs(lang: str) -> None:
    history = session.fetch(session.client().runs)
    if history is None:
        return
    st.subheader(t("builds", lang))
    show_table(build_rows(rows(history.get("builds") or [])), lang, key="runs_builds",
               technical=True)  # fmt: skip
    st.subheader(t("ingest_runs", lang))
    show_table(
        {"data": history.get("ingest_runs") or [], "count": history.get("ingest_run_count")},
        lang,
        ["started_at", "source", "file", "object", "status", "rows_read", "rows_loaded",
         "rows_rejected", "message", "finished_at"],
        key="runs_ingest",
    )  # fmt: skip


TABS = ("quality_sections", "quality_tab_matching", "reject_rows", "runs")

lang = session.lang()
api = session.client()
st.title(t("page_quality", lang))
tabs = st.tabs([t(n, lang) for n in TABS], key="q_tab", on_change="rerun")
quality: dict[str, Any] | None = None
if any(tab.open for tab in tabs[:3]):
    quality = session.fetch(api.quality)
    if quality is not None and not quality:
        st.info(t("empty", lang))
for name, tab in zip(TABS, tabs, strict=True):
    with tab:
        if not tab.open:
            continue
        if name == "runs":
            _runs(lang)
        elif quality:
            {
                "quality_sections": _checks,
                "quality_tab_matching": _matching,
                "reject_rows": _rejects,
            }[name](quality, lang)
