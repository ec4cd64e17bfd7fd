"""Receivables (finance): aging totals, top debtors, and the whole overdue worklist."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import session, worklist
from dashboard.client import AGING, overdue_request, rows
from dashboard.i18n import bucket_label, format_amount, format_number, t, to_decimal
from dashboard.widgets import cards_html, show_bars, show_table, table_html
from dashboard.worklist_page import render_worklist

lang = session.lang()
api = session.client()
st.title(t("page_receivables", lang))

# the totals and the worklist's first page at once: the page waits for the slower only
api.prefetch([AGING, overdue_request(worklist.PAGE_SIZE)])
aging = session.fetch(api.aging)
if aging is not None:
    buckets = rows(aging.get("buckets"))
    total = aging.get("total_amount", aging.get("total"))
    cards = [
        (t("total_receivables", lang), format_amount(total, lang), None),
        (t("overdue", lang), format_amount(aging.get("overdue_amount"), lang), None),
    ]
    st.html(cards_html(cards, columns=4))
    if not buckets:
        st.info(t("empty", lang))
    else:
        labels = [bucket_label(b.get("bucket"), lang) for b in buckets]
        texts = [format_amount(b.get("amount"), lang) for b in buckets]
        amounts = [float(to_decimal(b.get("amount")) or 0) for b in buckets]
        left, right = st.columns([2, 1])
        show_bars(left, t("aging_totals", lang), labels, amounts, texts)
        # five rows: one HTML table, not a data grid (its canvas is the page's dearest part)
        counts = [format_number(b.get("customer_count"), lang, 0) for b in buckets]
        frame = pd.DataFrame(
            {
                t("aging", lang): labels,
                t("outstanding", lang): texts,
                t("customers_count", lang): counts,
            }
        )
        numeric = {t("outstanding", lang), t("customers_count", lang)}
        right.html(table_html(frame, numeric, "aging_totals"))
    st.subheader(t("top_debtors", lang))
    show_table(
        aging.get("top_customers") or aging.get("top") or [],
        lang,
        ["name", "owner", "segment", "outstanding_amount", "overdue_amount", "oldest_overdue_days"],
        key="top_debtors",
        light=True,
    )

st.subheader(t("overdue_list", lang))
render_worklist(api, lang, (aging or {}).get("snapshot"))
