"""The 360° customer screen: header, financial summary, aging, alerts, detail tabs."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from dashboard import charts
from dashboard.client import ApiClient
from dashboard.i18n import (
    MISSING,
    alert_title,
    format_amount,
    format_date,
    format_datetime,
    format_days,
    format_percent,
    format_siren,
    format_siret,
    t,
    to_decimal,
)
from dashboard.profile_tabs import render_tabs
from dashboard.session import fetch
from dashboard.widgets import severity_box, show_chart

BUCKETS = ("not_due", "d1_30", "d31_60", "d61_90", "over_90")


def aging_frame(aging: dict[str, Any], lang: str) -> pd.DataFrame:
    """Aging buckets of one customer as ``label``/``amount`` rows (exact → plot numbers)."""
    amounts = [to_decimal(aging.get(b)) for b in BUCKETS]
    return pd.DataFrame(
        {
            "bucket": BUCKETS,
            "label": [t(b, lang) for b in BUCKETS],
            "amount": [float(a) if a is not None else 0.0 for a in amounts],
        }
    )


def _header(p: dict[str, Any], lang: str) -> None:
    st.title(p.get("name") or p.get("customer_id") or MISSING)
    bits = [
        f"{t('code', lang)} **{p.get('customer_code') or MISSING}**",
        f"{t('owner', lang)} **{p.get('owner') or MISSING}**",
        f"{t('segment', lang)} **{p.get('segment') or MISSING}**",
    ]
    if p.get("lifecycle_stage"):
        bits.append(f"{t('lifecycle', lang)} **{p['lifecycle_stage']}**")
    bits.append(f"`{p.get('customer_id', '')}`")
    st.markdown(" · ".join(bits))
    legal = p.get("legal") or {}
    coords = p.get("coordinates") or {}
    terms = p.get("terms") or {}
    ids = [
        f"{t('siren', lang)} {format_siren(legal.get('siren'))}",
        f"{t('siret', lang)} {format_siret(legal.get('siret'))}",
        f"{t('vat', lang)} {legal.get('vat_number') or MISSING}",
        f"{t('payment_terms', lang)} {format_days(terms.get('payment_terms_days'), lang)}",
    ]
    st.markdown(" · ".join(ids))
    place = " ".join(str(coords.get(k)) for k in ("street", "postcode", "city") if coords.get(k))
    contact = [str(coords[k]) for k in ("email", "phone", "website") if coords.get(k)]
    if place or contact:
        st.caption(" · ".join([x for x in [place, *contact] if x]))
    dates = t(
        "last_activity",
        lang,
        order=format_date(p.get("last_order_date"), lang),
        invoice=format_date(p.get("last_invoice_date"), lang),
        act=format_date(p.get("last_activity_date"), lang),
    )
    snap = p.get("snapshot")
    snap_text = snap.get("as_of") or snap.get("build_id") if isinstance(snap, dict) else snap
    if snap_text:
        dates += " · " + t("snapshot", lang, date=format_datetime(snap_text, lang))
    st.caption(dates)


def _metrics(fin: dict[str, Any], lang: str, cur: str) -> None:
    def money(key: str) -> str:
        return format_amount(fin.get(key), lang, cur)

    row1 = st.columns(4)
    row1[0].metric(t("outstanding", lang), money("outstanding_amount"))
    row1[1].metric(t("overdue", lang), money("overdue_amount"))
    row1[2].metric(t("oldest_overdue", lang), format_days(fin.get("oldest_overdue_days"), lang))
    row1[3].metric(
        t("credit_limit", lang),
        money("credit_limit_amount"),
        help=t("credit_utilisation", lang)
        + " : "
        + format_percent(fin.get("credit_utilisation"), lang),
    )
    row2 = st.columns(4)
    row2[0].metric(t("exposure", lang), money("credit_exposure_amount"))
    row2[1].metric(t("open_orders", lang), money("open_orders_amount"))
    row2[2].metric(t("revenue_ytd", lang), money("revenue_ytd_amount"))
    row2[3].metric(t("revenue_last_year", lang), money("revenue_last_year_amount"))
    row3 = st.columns(4)
    row3[0].metric(t("revenue_total", lang), money("revenue_total_amount"))
    row3[1].metric(t("open_pipeline", lang), money("open_pipeline_amount"))
    row3[2].metric(t("weighted_pipeline", lang), money("weighted_pipeline_amount"))
    # Payments and credit notes not lettered against an invoice: already deducted from
    # the outstanding and applied to the oldest items for the overdue (docs/contracts.md).
    row3[3].metric(
        t("unallocated_cash", lang),
        money("unallocated_cash_amount"),
        help=t("unallocated_cash_help", lang, credit=money("credit_balance_amount")),
    )


def _charts(fin: dict[str, Any], lang: str, cur: str) -> None:
    aging = fin.get("aging") or {}
    left, right = st.columns([2, 1])
    with left:
        frame = aging_frame(aging, lang)
        labels = [format_amount(aging.get(b), lang, cur) for b in BUCKETS]
        show_chart(lang, st, charts.aging_bar(frame, t("aging", lang), labels))
    with right:
        ratio = to_decimal(fin.get("credit_utilisation"))
        if ratio is None:
            st.info(f"{t('credit_utilisation', lang)} : {MISSING}")
        else:
            show_chart(
                lang,
                st,
                charts.utilisation_gauge(float(ratio), t("credit_utilisation", lang)),
            )


def _alerts(alerts: list[dict[str, Any]], lang: str, cur: str) -> None:
    st.subheader(t("alerts", lang))
    if not alerts:
        st.success(t("no_alerts", lang), icon=":material/check_circle:")
        return
    for alert in alerts:
        message = str(alert.get("message") or "")
        title = alert_title(alert.get("alert_type"), message, lang)
        text = f"**{title}**"
        if alert.get("amount") not in (None, ""):
            text += f" — {format_amount(alert.get('amount'), lang, cur)}"
        if message and message != title:
            text += f"  \n{message}"  # the API's detail (sources, references)
        severity_box(alert.get("severity"), text)


def render_profile(api: ApiClient, customer_id: str, lang: str) -> None:
    """Fetch and draw the 360° screen of ``customer_id`` (merged ids are followed)."""
    profile = fetch(api.customer, customer_id)
    if not profile:
        return
    cur = (profile.get("terms") or {}).get("currency") or "EUR"
    fin = profile.get("financial") or {}
    _header(profile, lang)
    _metrics(fin, lang, cur)
    _charts(fin, lang, cur)
    _alerts(profile.get("alerts") or [], lang, cur)
    render_tabs(api, profile, lang, cur)
