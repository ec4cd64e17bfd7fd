"""Write-back log (admin): every value c360 wrote, or tried to write, into a CRM field.

Reads ``GET /writeback`` (newest first, keyset paged): filters by source, customer and
result; "next" follows the API's ``next_cursor``, "previous" returns to the cursor kept
for the page before. Changing a filter starts again from the newest line.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from dashboard import session
from dashboard.client import rows
from dashboard.i18n import format_datetime, t

PAGE_SIZE = 50
CURSORS = "c360_wb_cursors"  # cursors of the pages shown so far (None: the first)
FILTERS = "c360_wb_filters"
RESULTS = ("", "ok", "failed")
# API field → header string key, in the order shown.
COLUMNS = (
    ("written_at", "wb_written_at"),
    ("source", "wb_source"),
    ("customer_id", "wb_customer"),
    ("record_id", "wb_record"),
    ("field", "wb_field"),
    ("old_value", "wb_old"),
    ("new_value", "wb_new"),
    ("result", "wb_result"),
    ("message", "wb_message"),
)


def _cell(name: str, value: Any, lang: str) -> str:
    if name == "written_at":
        return format_datetime(value, lang)
    if name == "result":
        return t(f"wb_result_{value}", lang)
    if name == "new_value" and value is None:
        return t("wb_emptied", lang)
    return "—" if value in (None, "") else str(value)


lang = session.lang()
st.title(t("page_writeback", lang))
st.caption(t("wb_intro", lang))

left, middle, right = st.columns(3)
source = left.text_input(t("wb_source", lang), key="wb_source").strip()
customer = middle.text_input(t("wb_customer", lang), key="wb_customer").strip()
result = right.selectbox(
    t("wb_result", lang),
    RESULTS,
    key="wb_result",
    format_func=lambda r: t(f"wb_result_{r or 'all'}", lang),
)
filters = (source, customer, result)
if st.session_state.get(FILTERS) != filters:
    st.session_state[FILTERS] = filters
    st.session_state[CURSORS] = [None]
cursors: list[str | None] = st.session_state.setdefault(CURSORS, [None])

page = session.fetch(
    session.client().writeback,
    source=source or None,
    customer=customer or None,
    result=result or None,
    limit=PAGE_SIZE,
    cursor=cursors[-1],
)
if page is not None:
    lines = rows(page)
    if not lines:
        st.info(t("wb_empty", lang))
    else:
        frame = pd.DataFrame(
            {t(key, lang): [_cell(name, r.get(name), lang) for r in lines] for name, key in COLUMNS}
        )
        st.dataframe(frame, hide_index=True, key="wb_table")
    st.caption(t("wb_page", lang, n=len(cursors)))
    back, forward = st.columns(2)
    if back.button(t("page_previous", lang), key="wb_previous", disabled=len(cursors) == 1):
        cursors.pop()
        st.rerun()
    following = page.get("next_cursor") if isinstance(page, dict) else None
    if forward.button(t("page_next", lang), key="wb_next", disabled=not following):
        cursors.append(following)
        st.rerun()
