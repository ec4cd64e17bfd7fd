"""The detail tabs of the 360° screen: open items, charts, invoices, orders, opportunities,
contacts, timeline, and the source records the golden customer is made of (with evidence).

Tabs are lazy: only the open one is computed and sent to the browser, and switching tabs
reruns only this part of the screen (a fragment), not the whole page."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from typing import Any

import streamlit as st

from dashboard import charts
from dashboard.client import ApiClient, rows
from dashboard.i18n import MISSING, format_percent, md_escape, t, value_label
from dashboard.session import fetch
from dashboard.tables import numeric_frame
from dashboard.widgets import show_chart, show_table


def render_balance(payload: Any, lang: str, cur: str) -> None:
    """The balance history (``GET /customers/{id}/balance-history``) as a line and a table.

    One point (a single build so far) is a table row, not a one-point chart."""
    records = rows(payload)
    if payload is None:
        return
    if not records:
        st.info(t("empty", lang))
        return
    x = next((c for c in ("as_of", "date", "snapshot_date", "build_date") if c in records[0]), None)
    amount_cols = [c for c in records[0] if c.endswith("_amount")]
    if x and amount_cols and len(records) > 1:
        frame = numeric_frame(records, amount_cols)
        labels = {c: t(c.removesuffix("_amount"), lang) for c in amount_cols}
        show_chart(lang, st, charts.balance_line(frame, x, labels, t("tab_balance", lang)))
    elif len(records) == 1:
        st.caption(t("one_point", lang))
    show_table(payload, lang, currency=cur, key="balance_table", light=True)


def evidence_label(src: dict[str, Any], has_crm: bool | None, lang: str) -> str:
    """Why a source record belongs to this customer, in the reader's language.

    A code cross-reference is said to be "held in the CRM" only when there is a CRM record;
    other rules keep the API's own sentence."""
    evidence = src.get("evidence")
    if isinstance(evidence, str):
        with contextlib.suppress(ValueError):
            evidence = json.loads(evidence)
    found = evidence if isinstance(evidence, dict) else {}
    rule = src.get("match_rule") or found.get("rule")
    code = found.get("customer_code")
    if rule == "xref" and code:
        return t("evidence.xref_crm" if has_crm else "evidence.xref", lang, code=code)
    return str(src.get("evidence_text") or MISSING)


def _sources(profile: dict[str, Any], lang: str, ids: bool) -> None:
    sources = profile.get("sources") or []
    if not sources:
        st.info(t("empty", lang))
    for src in sources:
        score = src.get("match_score")
        title = " · ".join(
            str(x)
            for x in (
                src.get("system") or src.get("source"),
                value_label(src.get("role"), lang) if src.get("role") else None,
                src.get("source_id") if ids else None,
                value_label(src.get("match_rule"), lang) if src.get("match_rule") else None,
                format_percent(score, lang) if score not in (None, "") else None,
            )
            if x
        )
        with st.expander(md_escape(title), expanded=len(sources) <= 3):
            st.markdown(md_escape(evidence_label(src, profile.get("has_crm"), lang)))
            evidence = src.get("evidence")
            if evidence:
                if isinstance(evidence, str):
                    with contextlib.suppress(ValueError):
                        evidence = json.loads(evidence)
                st.json(evidence, expanded=False)
    conflicts = profile.get("conflicts") or []
    st.subheader(t("conflicts", lang))
    show_table(conflicts, lang, key="conflicts_table", light=True)
    provenance = profile.get("provenance") or []
    if provenance:
        st.subheader(t("provenance", lang))
        show_table(provenance, lang, key="provenance_table", technical=ids, light=True)


TABS = (
    "tab_open_items",
    "tab_charts",
    "tab_invoices",
    "tab_orders",
    "tab_opportunities",
    "tab_contacts",
    "tab_timeline",
    "tab_sources",
)
TAB_KEY = "p360_tab"
# What a salesperson reads of an open item, in a width that fits 1,280 px; the source,
# the due-date rule and the cash allocated come with the technical columns.
OPEN_ITEM_COLUMNS = [
    "document_ref",
    "document_date",
    "due_date",
    "days_overdue",
    "aging_bucket",
    "amount_open",
    "amount_remaining",
]


@st.fragment
def render_tabs(
    api: ApiClient,
    profile: dict[str, Any],
    items_payload: Any,
    lang: str,
    cur: str,
    draw_charts: Callable[[], None],
) -> None:
    """Draw the open tab only; each list is one cached API call, made when its tab opens."""
    cid = str(profile.get("customer_id"))
    ids = bool(st.toggle(t("show_ids", lang), key="show_ids"))
    tabs = dict(
        zip(TABS, st.tabs([t(n, lang) for n in TABS], key=TAB_KEY, on_change="rerun"), strict=True)
    )
    with tabs["tab_open_items"] as tab:
        if tab.open:
            columns = None if ids else OPEN_ITEM_COLUMNS
            show_table(
                items_payload, lang, columns, cur, key="open_items", technical=ids, light=True
            )
    with tabs["tab_charts"] as tab:
        if tab.open:
            draw_charts()
    lists = {
        "tab_invoices": (api.customer_invoices, "invoices"),
        "tab_orders": (api.customer_orders, "orders"),
        "tab_opportunities": (api.customer_opportunities, "opportunities"),
        "tab_contacts": (api.customer_contacts, "contacts"),
        "tab_timeline": (api.customer_timeline, "timeline"),
    }
    for name, (call, key) in lists.items():
        with tabs[name] as tab:
            if tab.open:
                show_table(fetch(call, cid), lang, currency=cur, key=key, technical=ids, light=True)
    with tabs["tab_sources"] as tab:
        if tab.open:
            _sources(profile, lang, ids)
