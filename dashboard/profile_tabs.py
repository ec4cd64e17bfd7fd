"""The detail tabs of the 360° screen: invoices, orders, opportunities, contacts, timeline,
balance history, and the source records the golden customer is made of (with evidence)."""

from __future__ import annotations

import contextlib
import json
from typing import Any

import streamlit as st

from dashboard import charts
from dashboard.client import ApiClient, rows
from dashboard.i18n import MISSING, format_percent, t
from dashboard.session import fetch
from dashboard.tables import numeric_frame
from dashboard.widgets import show_chart, show_table


def _balance(api: ApiClient, cid: str, lang: str, cur: str) -> None:
    payload = fetch(api.customer_balance_history, cid)
    records = rows(payload)
    if not records:
        st.info(t("empty", lang))
        return
    x = next((c for c in ("as_of", "date", "snapshot_date", "build_date") if c in records[0]), None)
    amount_cols = [c for c in records[0] if c.endswith("_amount")]
    if x and amount_cols:
        frame = numeric_frame(records, amount_cols)
        labels = {c: t(c.removesuffix("_amount"), lang) for c in amount_cols}
        show_chart(lang, st, charts.balance_line(frame, x, labels, t("tab_balance", lang)))
    show_table(payload, lang, currency=cur, key="balance_table")


def _sources(profile: dict[str, Any], lang: str) -> None:
    sources = profile.get("sources") or []
    if not sources:
        st.info(t("empty", lang))
    for src in sources:
        score = src.get("match_score")
        title = " · ".join(
            str(x)
            for x in (
                src.get("system") or src.get("source"),
                src.get("role"),
                src.get("source_id"),
                src.get("match_rule"),
                format_percent(score, lang) if score not in (None, "") else None,
            )
            if x
        )
        with st.expander(title, expanded=len(sources) <= 3):
            st.markdown(src.get("evidence_text") or MISSING)
            evidence = src.get("evidence")
            if evidence:
                if isinstance(evidence, str):
                    with contextlib.suppress(ValueError):
                        evidence = json.loads(evidence)
                st.json(evidence, expanded=False)
    conflicts = profile.get("conflicts") or []
    st.subheader(t("conflicts", lang))
    show_table(conflicts, lang, key="conflicts_table")
    provenance = profile.get("provenance") or []
    if provenance:
        st.subheader(t("provenance", lang))
        show_table(provenance, lang, key="provenance_table")


def render_tabs(api: ApiClient, profile: dict[str, Any], lang: str, cur: str) -> None:
    """Draw the tabs; each sub-list is one cached API call."""
    cid = str(profile.get("customer_id"))
    names = [
        "tab_invoices",
        "tab_orders",
        "tab_opportunities",
        "tab_contacts",
        "tab_timeline",
        "tab_balance",
        "tab_sources",
    ]
    tabs = st.tabs([t(n, lang) for n in names])
    with tabs[0]:
        st.markdown(f"**{t('tab_open_items', lang)}**")
        show_table(fetch(api.customer_open_items, cid), lang, currency=cur, key="open_items")
        st.markdown(f"**{t('tab_invoices', lang)}**")
        show_table(fetch(api.customer_invoices, cid), lang, currency=cur, key="invoices")
    with tabs[1]:
        show_table(fetch(api.customer_orders, cid), lang, currency=cur, key="orders")
    with tabs[2]:
        show_table(fetch(api.customer_opportunities, cid), lang, currency=cur, key="opportunities")
    with tabs[3]:
        show_table(fetch(api.customer_contacts, cid), lang, key="contacts")
    with tabs[4]:
        show_table(fetch(api.customer_timeline, cid), lang, currency=cur, key="timeline")
    with tabs[5]:
        _balance(api, cid, lang, cur)
    with tabs[6]:
        _sources(profile, lang)
