"""The detail tabs of the 360° screen: invoices, orders, opportunities, contacts, timeline,
balance history, and the source records the golden customer is made of (with evidence)."""

from __future__ import annotations

import contextlib
import json
from typing import Any

import streamlit as st

from dashboard import charts
from dashboard.client import ApiClient, rows
from dashboard.i18n import MISSING, format_percent, md_escape, t, value_label
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
    show_table(conflicts, lang, key="conflicts_table")
    provenance = profile.get("provenance") or []
    if provenance:
        st.subheader(t("provenance", lang))
        show_table(provenance, lang, key="provenance_table", technical=ids)


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
    ids = bool(st.toggle(t("show_ids", lang), key="show_ids"))
    tabs = st.tabs([t(n, lang) for n in names])
    with tabs[0]:
        st.markdown(f"**{t('tab_open_items', lang)}**")
        show_table(
            fetch(api.customer_open_items, cid), lang, currency=cur, key="open_items", technical=ids
        )
        st.markdown(f"**{t('tab_invoices', lang)}**")
        show_table(
            fetch(api.customer_invoices, cid), lang, currency=cur, key="invoices", technical=ids
        )
    with tabs[1]:
        show_table(fetch(api.customer_orders, cid), lang, currency=cur, key="orders", technical=ids)
    with tabs[2]:
        show_table(
            fetch(api.customer_opportunities, cid),
            lang,
            currency=cur,
            key="opportunities",
            technical=ids,
        )
    with tabs[3]:
        show_table(fetch(api.customer_contacts, cid), lang, key="contacts", technical=ids)
    with tabs[4]:
        show_table(
            fetch(api.customer_timeline, cid), lang, currency=cur, key="timeline", technical=ids
        )
    with tabs[5]:
        _balance(api, cid, lang, cur)
    with tabs[6]:
        _sources(profile, lang, ids)
