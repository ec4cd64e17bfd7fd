"""The 360° customer screen: header, financial summary, aging, alerts, detail tabs."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

import pandas as pd
import streamlit as st

from dashboard import charts
from dashboard.client import ApiClient, ApiError, profile_request, rows, sub_request
from dashboard.i18n import (
    MISSING,
    alert_parts,
    format_amount,
    format_date,
    format_datetime,
    format_days,
    format_number,
    format_percent,
    format_siren,
    format_siret,
    md_escape,
    t,
    to_decimal,
    value_label,
)
from dashboard.profile_tabs import render_balance, render_tabs
from dashboard.session import fetch
from dashboard.widgets import cards_html, severity_box, show_chart

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
        f"{t('code', lang)} **{md_escape(p.get('customer_code') or MISSING)}**",
        f"{t('owner', lang)} **{md_escape(p.get('owner') or MISSING)}**",
        f"{t('segment', lang)} **{md_escape(p.get('segment') or MISSING)}**",
    ]
    if p.get("lifecycle_stage"):
        bits.append(f"{t('lifecycle', lang)} **{md_escape(value_label(p['lifecycle_stage']))}**")
    bits.append(f"`{p.get('customer_id', '')}`")
    st.markdown(" · ".join(bits))
    legal = p.get("legal") or {}
    coords = p.get("coordinates") or {}
    terms = p.get("terms") or {}
    ids = [
        f"{t('siren', lang)} {format_siren(legal.get('siren'))}",
        f"{t('siret', lang)} {format_siret(legal.get('siret'))}",
        f"{t('vat', lang)} {md_escape(legal.get('vat_number') or MISSING)}",
        f"{t('payment_terms', lang)} {format_days(terms.get('payment_terms_days'), lang)}",
    ]
    st.markdown(" · ".join(ids))
    place = " ".join(str(coords.get(k)) for k in ("street", "postcode", "city") if coords.get(k))
    contact = [str(coords[k]) for k in ("email", "phone", "website") if coords.get(k)]
    if place or contact:
        st.caption(md_escape(" · ".join([x for x in [place, *contact] if x])))


def as_of_date(history: list[dict[str, Any]]) -> date | None:
    """The date days overdue are counted at: the latest point of the balance history.

    Each build adds every customer's balances at its as-of date (the build date of that
    point), the same date the API's KPIs are "as of"; the profile itself carries only the
    build time."""
    days = [str(p.get("build_date"))[:10] for p in history if p.get("build_date")]
    return date.fromisoformat(max(days)) if days else None


def next_due(items: list[dict[str, Any]], as_of: date | None) -> str | None:
    """The next due date of an item not yet due."""
    dues = [
        str(i.get("due_date"))[:10]
        for i in items
        if i.get("due_date")
        and not (isinstance(i.get("days_overdue"), int) and i["days_overdue"] > 0)
    ]
    if as_of is not None:
        dues = [d for d in dues if d >= as_of.isoformat()]
    return min(dues) if dues else None


def data_line(snapshot: Any, as_of: date | None, lang: str) -> str:
    """When the figures were built and the date days overdue are counted at, in one phrase
    (the 360° screen, the worklist and the brief say it the same way)."""
    built = format_datetime(snapshot, lang) if snapshot else MISSING
    if as_of is None:
        return t("data_as_of_unknown", lang, built=built)
    return t("data_as_of", lang, built=built, as_of=format_date(as_of, lang))


def freshness_line(p: dict[str, Any], as_of: date | None, lang: str) -> str:
    """Build time and as-of date of the figures, and when each source last loaded."""
    parts = [data_line(p.get("snapshot"), as_of, lang)]
    loaded: dict[str, str] = defaultdict(str)
    for prov in p.get("provenance") or []:
        name = str(prov.get("source") or "")
        loaded[name] = max(loaded[name], str(prov.get("loaded_at") or ""))
    for src in p.get("sources") or []:
        loaded.setdefault(str(src.get("source") or ""), "")
    for name, when in sorted(loaded.items()):
        if name:
            parts.append(
                t(
                    "freshness",
                    lang,
                    source=md_escape(name),
                    date=format_datetime(when or None, lang),
                )
            )
    return " · ".join(parts)


def dates_line(
    p: dict[str, Any], items: list[dict[str, Any]], as_of: date | None, lang: str
) -> str:
    """Last order and invoice, and the next due date of an item not yet due."""
    line = t(
        "last_documents",
        lang,
        order=format_date(p.get("last_order_date"), lang),
        invoice=format_date(p.get("last_invoice_date"), lang),
    )
    upcoming = next_due(items, as_of)
    if upcoming:
        line += " · " + t("next_due", lang, date=format_date(upcoming, lang))
    return line


# The relationship facts of customer_360 (activities, tickets, quotes) as the profile may
# carry them; a key the API does not send is "not provided", a null one is "none".


def _activity(p: dict[str, Any], which: str, lang: str) -> str:
    key = f"{which}_activity_date"
    if key not in p:
        return t("not_provided", lang)
    if not p.get(key):
        return t(f"no_{which}_activity", lang)
    kind, subject = p.get(f"{which}_activity_kind"), p.get(f"{which}_activity_subject")
    bits = [format_date(p[key], lang), value_label(kind, lang) if kind else None, subject]
    return " · ".join(str(b) for b in bits if b)


def _tickets(p: dict[str, Any], lang: str) -> str:
    if "open_ticket_count" not in p:
        return t("not_provided", lang)
    count = p.get("open_ticket_count") or 0
    if not count:
        return t("no_open_ticket", lang)
    text = t("open_tickets_n", lang, n=count)
    if p.get("oldest_open_ticket_date"):
        text += " · " + t(
            "oldest_since", lang, date=format_date(p["oldest_open_ticket_date"], lang)
        )
    if p.get("open_ticket_top_priority"):
        text += " · " + value_label(p["open_ticket_top_priority"], lang)
    return text


def _quotes(p: dict[str, Any], lang: str, cur: str) -> str:
    if "open_quote_count" not in p:
        return t("not_provided", lang)
    count = p.get("open_quote_count") or 0
    if not count:
        return t("no_open_quote", lang)
    text = t(
        "open_quotes_n", lang, n=count, amount=format_amount(p.get("open_quotes_amount"), lang, cur)
    )
    if p.get("oldest_open_quote_days") is not None:
        text += " · " + t("oldest_days", lang, days=format_days(p["oldest_open_quote_days"], lang))
    return text


def _payments(p: dict[str, Any], lang: str) -> str:
    if "median_days_to_pay_12m" not in p:
        return t("not_provided", lang)
    if not p.get("paid_invoice_count_12m"):
        return t("no_payment_behaviour", lang)
    text = t(
        "payment_behaviour",
        lang,
        days=format_number(p.get("median_days_to_pay_12m"), lang, 1) + " " + t("days_word", lang),
        rate=format_percent(p.get("on_time_rate_12m"), lang),
        n=p["paid_invoice_count_12m"],
    )
    trend = p.get("days_to_pay_trend")
    if trend in ("faster", "steady", "slower"):
        text += " · " + t(f"pay_trend_{trend}", lang)
    return text


def relationship(p: dict[str, Any], lang: str, cur: str) -> list[tuple[str, str]]:
    """``(label, text)`` of last and next activity, open tickets, open quotes and payment
    behaviour; the facts come from the profile's `relationship` object (or, for a document
    without one, from the profile's own keys)."""
    facts = {**p, **(p.get("relationship") or {})}
    return [
        (t("last_activity_label", lang), _activity(facts, "last", lang)),
        (t("next_activity_label", lang), _activity(facts, "next", lang)),
        (t("open_tickets_label", lang), _tickets(facts, lang)),
        (t("open_quotes_label", lang), _quotes(facts, lang, cur)),
        (t("payment_behaviour_label", lang), _payments(facts, lang)),
    ]


def _relationship(p: dict[str, Any], lang: str, cur: str) -> None:
    facts = [f"**{md_escape(label)}** : {md_escape(text)}" if lang == "fr"
             else f"**{md_escape(label)}**: {md_escape(text)}"
             for label, text in relationship(p, lang, cur)]  # fmt: skip
    st.markdown(" — ".join(facts))  # a fact may itself hold " · "


def cards(fin: dict[str, Any], lang: str, cur: str) -> list[tuple[str, str, str | None]]:
    """The twelve ``(label, value, help)`` cards of the 360° screen, in reading order."""

    def money(key: str) -> str:
        return format_amount(fin.get(key), lang, cur)

    colon = " : " if lang == "fr" else ": "
    limit_help = t("credit_utilisation", lang) + colon
    limit_help += format_percent(fin.get("credit_utilisation"), lang)
    # Payments and credit notes not lettered against an invoice: already deducted from
    # the outstanding and applied to the oldest items for the overdue (docs/contracts.md).
    cash_help = t("unallocated_cash_help", lang, credit=money("credit_balance_amount"))
    return [
        (t("outstanding", lang), money("outstanding_amount"), None),
        (t("overdue", lang), money("overdue_amount"), None),
        (t("oldest_overdue", lang), format_days(fin.get("oldest_overdue_days"), lang), None),
        (t("credit_limit", lang), money("credit_limit_amount"), limit_help),
        (t("exposure", lang), money("credit_exposure_amount"), None),
        (t("open_orders", lang), money("open_orders_amount"), None),
        (t("revenue_ytd", lang), money("revenue_ytd_amount"), None),
        (t("revenue_last_year", lang), money("revenue_last_year_amount"), None),
        (t("revenue_total", lang), money("revenue_total_amount"), None),
        (t("open_pipeline", lang), money("open_pipeline_amount"), None),
        (t("weighted_pipeline", lang), money("weighted_pipeline_amount"), None),
        (t("unallocated_cash", lang), money("unallocated_cash_amount"), cash_help),
    ]


def aging_line(fin: dict[str, Any], lang: str, cur: str) -> str:
    """The customer's aging buckets in one line (the chart is in the charts tab)."""
    aging = fin.get("aging") or {}
    buckets = " · ".join(f"{t(b, lang)} {format_amount(aging.get(b), lang, cur)}" for b in BUCKETS)
    return f"{t('aging', lang)} : {buckets}" if lang == "fr" else f"{t('aging', lang)}: {buckets}"


# API alerts the overdue banner already says (as its escalation), not repeated below it.
FOLDED_INTO_OVERDUE = {"overdue_before_offer", "credit_limit_exceeded"}


def _positive(value: Any) -> bool:
    number = to_decimal(value)
    return number is not None and number > 0


def overdue_banner(
    fin: dict[str, Any], items: list[dict[str, Any]], lang: str, cur: str
) -> tuple[str, str] | None:
    """``(severity, text)`` of the overdue alert, or ``None`` when nothing is overdue.

    Any overdue amount is an alert; it is escalated (high) when an offer is open or the
    credit limit is exceeded, since selling more then adds to a debt already late."""
    if not _positive(fin.get("overdue_amount")):
        return None
    amount = format_amount(fin.get("overdue_amount"), lang, cur)
    days = fin.get("oldest_overdue_days")
    days = days if isinstance(days, int) else 0
    late = [
        i
        for i in items
        if isinstance(i.get("days_overdue"), int)
        and i["days_overdue"] > 0
        and _positive(i.get("amount_remaining", i.get("amount_open")))
    ]
    if late:
        text = t("overdue_banner", lang, n=len(late), amount=amount, days=days)
    else:  # only unlettered totals are known: say the amount, not a count
        text = t("overdue_banner_amount", lang, amount=amount, days=days)
    reasons = []
    if _positive(fin.get("open_pipeline_amount")):
        pipeline = format_amount(fin.get("open_pipeline_amount"), lang, cur)
        reasons.append(t("escalate_offer", lang, amount=pipeline))
    limit = to_decimal(fin.get("credit_limit_amount"))
    exposure = to_decimal(fin.get("credit_exposure_amount"))
    if limit is not None and limit > 0 and exposure is not None and exposure > limit:
        reasons.append(
            t(
                "escalate_limit",
                lang,
                used=format_amount(exposure, lang, cur),
                limit=format_amount(limit, lang, cur),
            )
        )
    if reasons:
        return "high", text + " — " + " ; ".join(reasons)
    return "medium", text


def revenue_by_month(
    invoices: list[dict[str, Any]], as_of: date | None, months: int = 24
) -> pd.DataFrame:
    """Revenue excl. tax per month over the ``months`` months ending at the as-of month
    (credit notes count negative, cancelled and draft invoices not at all); every month
    present, even at zero."""
    end = as_of or date.today()
    index = end.year * 12 + end.month - 1
    keys = [
        f"{(index - k) // 12:04d}-{(index - k) % 12 + 1:02d}" for k in range(months - 1, -1, -1)
    ]
    totals = dict.fromkeys(keys, Decimal(0))
    for inv in invoices:
        if str(inv.get("status") or "").lower() in ("cancelled", "cancel", "draft"):
            continue
        month = str(inv.get("issue_date") or "")[:7]
        amount = to_decimal(inv.get("amount_excl_tax"))
        if month in totals and amount is not None:
            sign = -1 if inv.get("kind") == "credit_note" and amount > 0 else 1
            totals[month] += sign * amount
    return pd.DataFrame({"month": keys, "amount": [float(totals[k]) for k in keys]})


def render_charts(
    api: ApiClient,
    profile: dict[str, Any],
    items: list[dict[str, Any]],
    history: Any,
    as_of: date | None,
    lang: str,
    cur: str,
) -> None:
    """The charts tab: aging and credit use, 24 months of revenue, days late per invoice,
    the balance history. Drawn only when the tab is opened (plotly is the screen's
    heaviest part in the browser)."""
    fin = profile.get("financial") or {}
    aging = fin.get("aging") or {}
    left, right = st.columns([2, 1])
    with left:
        labels = [format_amount(aging.get(b), lang, cur) for b in BUCKETS]
        show_chart(lang, st, charts.aging_bar(aging_frame(aging, lang), t("aging", lang), labels))
    with right:
        ratio = to_decimal(fin.get("credit_utilisation"))
        if ratio is None:
            st.info(f"{t('credit_utilisation', lang)} : {MISSING}")
        else:
            gauge = charts.utilisation_gauge(float(ratio), t("credit_utilisation", lang))
            show_chart(lang, st, gauge)
    late = [
        i
        for i in items
        if isinstance(i.get("days_overdue"), int)
        and i["days_overdue"] > 0
        and i.get("document_ref")
    ][:25]
    left, right = st.columns(2)
    with left:
        invoices = fetch(api.customer_invoices, str(profile.get("customer_id")))
        if invoices is not None:
            frame = revenue_by_month(rows(invoices), as_of)
            show_chart(lang, st, charts.monthly_bars(frame, "amount", t("revenue_24_months", lang)))
    with right:
        if late:
            frame = pd.DataFrame(
                {
                    "document_ref": [str(i["document_ref"]) for i in late],
                    "days_overdue": [i["days_overdue"] for i in late],
                    "label": [
                        format_amount(i.get("amount_remaining", i.get("amount_open")), lang, cur)
                        for i in late
                    ],
                }
            )
            show_chart(lang, st, charts.days_late(frame, t("days_late_chart", lang)))
        else:
            st.info(t("no_overdue_items", lang))
    st.markdown(f"**{t('tab_balance', lang)}**")
    render_balance(history, lang, cur)


def _alerts(profile: dict[str, Any], items: list[dict[str, Any]], lang: str, cur: str) -> None:
    """Alert banners, before anything else on the screen."""
    fin = profile.get("financial") or {}
    banner = overdue_banner(fin, items, lang, cur)
    alerts = [
        a
        for a in profile.get("alerts") or []
        if not (banner and a.get("alert_type") in FOLDED_INTO_OVERDUE)
    ]
    if banner:
        severity_box(banner[0], md_escape(banner[1]))
    for alert in alerts:
        title, detail = alert_parts(alert, lang, cur)
        text = f"**{md_escape(title)}**" + (f" — {md_escape(detail)}" if detail else "")
        severity_box(alert.get("severity"), text)
    if not banner and not alerts:
        st.success(t("no_alerts", lang), icon=":material/check_circle:")


def render_profile(api: ApiClient, customer_id: str, lang: str) -> None:
    """Fetch and draw the 360° screen of ``customer_id`` (merged ids are followed).

    Three calls, sent together: the profile document, the open items (the overdue banner
    counts them) and the balance history (its last point is the as-of date). Every other
    list is read by the tab that shows it, when it is opened."""
    api.prefetch(
        [
            profile_request(customer_id),
            sub_request(customer_id, "open-items"),
            sub_request(customer_id, "balance-history"),
        ]
    )
    profile = fetch(api.customer, customer_id)
    if not profile:
        return
    cur = (profile.get("terms") or {}).get("currency") or "EUR"
    fin = profile.get("financial") or {}
    cid = str(profile.get("customer_id"))
    items_payload = fetch(api.customer_open_items, cid)
    items = rows(items_payload)
    history = fetch(api.customer_balance_history, cid)
    as_of = as_of_date(rows(history))
    _header(profile, lang)
    _alerts(profile, items, lang, cur)
    st.caption(
        freshness_line(profile, as_of, lang) + "  \n" + dates_line(profile, items, as_of, lang)
    )
    _relationship(profile, lang, cur)
    brief_button(api, profile, items, as_of, lang)
    st.html(cards_html(cards(fin, lang, cur)))
    st.caption(md_escape(aging_line(fin, lang, cur)))
    render_tabs(
        api,
        profile,
        items_payload,
        lang,
        cur,
        lambda: render_charts(api, profile, items, history, as_of, lang, cur),
    )


def brief_button(
    api: ApiClient,
    profile: dict[str, Any],
    items: list[dict[str, Any]],
    as_of: date | None,
    lang: str,
) -> None:
    """Download the one-page A4 brief; built only when clicked (the page stays fast)."""
    from dashboard.brief import build_brief  # brief draws from this module's rules

    cid = str(profile.get("customer_id"))
    # The callable runs outside the script thread: plain (uncached) calls.
    plain = ApiClient(api.base_url, api.token, http=api.http)

    def part(call: Any) -> list[dict[str, Any]]:
        # A list the API cannot give now is left out of the brief, not a failed download.
        try:
            return rows(call(cid))
        except ApiError:
            return []

    def pdf() -> bytes:
        return build_brief(
            profile,
            items,
            part(plain.customer_orders),
            part(plain.customer_opportunities),
            part(plain.customer_contacts),
            part(plain.customer_timeline),
            lang,
            as_of=as_of,
        )

    name = "".join(ch if ch.isalnum() else "-" for ch in str(profile.get("name") or cid))
    st.download_button(
        t("brief_button", lang),
        pdf,
        file_name=f"{name.strip('-')[:60] or 'client'}.pdf",
        mime="application/pdf",
        icon=":material/picture_as_pdf:",
        key="brief_pdf",
    )
