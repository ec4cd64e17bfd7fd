"""Customer search and the 360° screen of the selected customer.

A search with a single hit, or a typed customer id (``C0001234``), opens the 360° screen
in the same run: no result list and picker to draw, no second run to wait for. "Back to
search" then lists that hit instead of opening it again."""

from __future__ import annotations

import re
from typing import Any

import streamlit as st

from dashboard import session
from dashboard.client import ApiError, rows
from dashboard.i18n import alert_parts, t
from dashboard.profile import render_profile
from dashboard.tables import display_frame
from dashboard.widgets import show_table

SELECTED = "c360_customer"
LISTED = "c360_listed"  # the search "back" returned to: shown as a list, never auto-opened
CUSTOMER_ID = re.compile(r"^C\d{7,}$", re.IGNORECASE)  # core/component_id.sql
PAGE, MAX_LIMIT = 50, 200  # the API pages at most 200 rows
RESULT_COLUMNS = [
    "name",
    "customer_code",
    "city",
    "postcode",
    "segment",
    "owner",
    "outstanding_amount",
    "overdue_amount",
    "alert_count",
    "source_count",
]


def _open(customer_id: str | None) -> None:
    st.session_state[SELECTED] = customer_id
    if customer_id:
        st.query_params["customer"] = customer_id
    else:
        st.query_params.pop("customer", None)


def _on_table_select(results: list[dict[str, Any]]) -> None:
    picked = st.session_state.get("cust_table")
    picked_rows = picked.selection.rows if picked is not None else []
    if picked_rows and picked_rows[0] < len(results):
        _open(str(results[picked_rows[0]].get("customer_id")))


def _label(row: dict[str, Any]) -> str:
    parts = [row.get("name"), row.get("customer_code"), row.get("city")]
    return " — ".join(str(p) for p in parts if p)


def _criteria() -> tuple[str, str | None, str | None, bool]:
    return (
        (st.session_state.get("cust_q") or "").strip(),
        (st.session_state.get("cust_segment") or "").strip() or None,
        (st.session_state.get("cust_owner") or "").strip() or None,
        bool(st.session_state.get("cust_overdue")),
    )


def _typed_id(query: str) -> str | None:
    """The customer a typed id names (merged ids followed), else ``None`` (then searched)."""
    if not CUSTOMER_ID.match(query):
        return None
    try:
        profile = session.client().customer(query.upper())
    except ApiError:
        return None
    return str(profile.get("customer_id") or "") or None


def _show(customer_id: str, lang: str) -> None:
    st.button(t("back_to_search", lang), on_click=_back)
    render_profile(session.client(), customer_id, lang)


def _search(lang: str) -> None:
    api = session.client()
    query, segment, owner, overdue = _criteria()
    if len(query) < 2 and not (segment or owner or overdue):
        st.caption(t("search_hint", lang))
        _my_alerts(lang)
        return
    auto = st.session_state.get(LISTED) != _criteria()
    direct = _typed_id(query) if auto else None
    if direct:
        _open(direct)
        _show(direct, lang)
        return
    payload = session.fetch(
        api.search_customers,
        q=query or None,
        segment=segment,
        owner=owner,
        has_overdue=overdue or None,
        limit=st.session_state.get("cust_limit", PAGE),
    )
    if payload is None:
        return
    results = rows(payload)
    if not results:
        st.info(t("no_results", lang, q=query or "…"))
        return
    if auto and len(results) == 1 and payload.get("count", 1) == 1:
        _open(str(results[0].get("customer_id")))
        _show(str(results[0].get("customer_id")), lang)
        return
    st.caption(t("results", lang, count=payload.get("count", len(results))))
    frame = display_frame(results, lang, RESULT_COLUMNS)
    st.dataframe(
        frame,
        hide_index=True,
        key="cust_table",
        on_select=lambda: _on_table_select(results),
        selection_mode="single-row",
    )
    if payload.get("next_cursor") and st.session_state.get("cust_limit", PAGE) < MAX_LIMIT:
        st.button(t("load_more", lang), on_click=_more)
    _picker({str(r.get("customer_id")): _label(r) for r in results}, lang)


def _more() -> None:
    st.session_state["cust_limit"] = min(st.session_state.get("cust_limit", PAGE) + PAGE, MAX_LIMIT)


def _picker(labels: dict[str, str], lang: str, key: str = "cust_pick") -> None:
    st.selectbox(
        t("open_customer", lang),
        list(labels),
        index=None,
        key=key,
        format_func=lambda cid: labels.get(cid, cid),
        on_change=lambda: _open(st.session_state.get(key)),
        placeholder=t("choose_customer", lang),
    )


def _my_alerts(lang: str) -> None:
    """For a salesperson: the alerts on their own customers, before any search."""
    if session.role() != "sales":
        return
    owner = session.user().get("owner_name")
    payload = session.fetch(session.client().alerts, owner)
    if payload is None:
        return
    st.subheader(t("my_alerts", lang))
    alerts = rows(payload)
    if not alerts:
        st.success(t("no_alerts", lang), icon=":material/check_circle:")
        return
    for alert in alerts:
        alert["alert_type"], alert["message"] = alert_parts(alert, lang)
    # the amount is in the finding's words: no fifth column to push the table past the page
    show_table(
        alerts, lang, ["customer_name", "severity", "alert_type", "message"], key="my_alerts"
    )
    labels = {
        str(a.get("customer_id")): str(a.get("customer_name") or a.get("customer_id"))
        for a in alerts
        if a.get("customer_id")
    }
    _picker(labels, lang, key="alert_pick")


def _reset() -> None:
    _open(None)
    st.session_state.pop("cust_pick", None)
    st.session_state.pop("alert_pick", None)
    st.session_state.pop("cust_limit", None)
    st.session_state.pop(LISTED, None)


def _back() -> None:
    _reset()
    st.session_state[LISTED] = _criteria()


lang = session.lang()
if SELECTED not in st.session_state and st.query_params.get("customer"):
    st.session_state[SELECTED] = st.query_params.get("customer")

with st.container():
    cols = st.columns([3, 1, 1, 1])
    cols[0].text_input(
        t("search_label", lang),
        key="cust_q",
        on_change=_reset,
        placeholder=t("search_placeholder", lang),
    )
    cols[1].text_input(t("segment", lang), key="cust_segment", on_change=_reset)
    cols[2].text_input(t("owner", lang), key="cust_owner", on_change=_reset)
    cols[3].checkbox(t("only_overdue", lang), key="cust_overdue", on_change=_reset)

selected = st.session_state.get(SELECTED)
if selected:
    _show(str(selected), lang)
else:
    _search(lang)
