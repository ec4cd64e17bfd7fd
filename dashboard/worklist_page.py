"""The finance worklist on screen: filters, sort, totals, row → 360°, CSV/XLSX export.

The list is drawn a page of ``SCREEN_ROWS`` at a time as one HTML table, and a customer of
the page is opened from a picker beside it: Streamlit's data grid (a canvas) would cost
the browser more to load than the rest of the page, and a page keeps the table the same
size whatever the number of overdue customers. Totals and exports cover every filtered
row, not the page."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import streamlit as st

from dashboard import worklist
from dashboard.client import ApiClient, overdue_request, sub_request
from dashboard.client import rows as rows_of
from dashboard.i18n import column_label, format_amount, t, value_label
from dashboard.profile import as_of_date, data_line
from dashboard.session import fetch
from dashboard.tables import display_frame, is_numeric_column
from dashboard.widgets import table_html

SELECTED = "c360_customer"  # the customers page opens the 360° of this id
SCREEN_ROWS = 50
PAGE = "wl_page"  # the page of the filtered list shown (0 = first)
SHOWN_FOR = "wl_shown_for"  # the filters and sort that page belongs to
SORTABLE = ("overdue_amount", "oldest_overdue_days", "outstanding_amount", "name", "owner")


def _load(api: ApiClient) -> tuple[list[dict[str, Any]], bool] | None:
    failed: list[bool] = []

    def page(cursor: str | None) -> dict[str, Any] | None:
        got = fetch(api.overdue, worklist.PAGE_SIZE, cursor)
        if got is None:
            failed.append(True)
        elif cursor is None and got.get("next_cursor") and rows_of(got):
            # the second page and the as-of date (the first row's balance history) at once
            api.prefetch(
                [
                    overdue_request(worklist.PAGE_SIZE, str(got["next_cursor"])),
                    sub_request(str(rows_of(got)[0]["customer_id"]), "balance-history"),
                ]
            )
        return got

    rows, truncated = worklist.load_all(page)
    return None if failed and not rows else (worklist.prepare(rows), truncated)


def _options(rows: list[dict[str, Any]], name: str) -> list[str]:
    return sorted({str(r[name]) for r in rows if r.get(name)})


def _filters(rows: list[dict[str, Any]], lang: str) -> worklist.Filters:
    cols = st.columns([2, 2, 1.4, 1.2, 1.6, 1.3])
    owner = cols[0].selectbox(
        t("owner", lang), _options(rows, "owner"), index=None, key="wl_owner",
        placeholder=t("all", lang),
    )  # fmt: skip
    segment = cols[1].selectbox(
        t("segment", lang), _options(rows, "segment"), index=None, key="wl_segment",
        placeholder=t("all", lang),
    )  # fmt: skip
    bucket = cols[2].selectbox(
        t("bucket_filter", lang), worklist.BUCKETS, index=None, key="wl_bucket",
        format_func=lambda b: value_label(b, lang), placeholder=t("all", lang),
    )  # fmt: skip
    minimum = cols[3].number_input(
        t("min_amount", lang), min_value=0, step=1000, value=0, key="wl_min"
    )
    cols[4].selectbox(
        t("sort_by", lang), SORTABLE, key="wl_sort",
        format_func=lambda c: column_label(c, lang),
    )  # fmt: skip
    cols[5].toggle(t("descending", lang), value=True, key="wl_desc")
    return worklist.Filters(
        owner=owner,
        segment=segment,
        bucket=bucket,
        min_amount=Decimal(str(minimum)) if minimum else None,
    )


def _as_of(api: ApiClient, rows: list[dict[str, Any]]) -> Any:
    """The date days overdue are counted at (the same for every customer of one build)."""
    return as_of_date(rows_of(fetch(api.customer_balance_history, str(rows[0]["customer_id"]))))


def _open(customer_id: str) -> None:
    st.session_state[SELECTED] = customer_id
    st.query_params["customer"] = customer_id
    st.switch_page("app_pages/customers.py")


def _turn(step: int) -> None:
    st.session_state[PAGE] = int(st.session_state.get(PAGE, 0)) + step


def _page_table(shown: list[dict[str, Any]], lang: str) -> None:
    """One page of the filtered, sorted rows, the buttons to turn pages, and the picker
    that opens a customer of the page."""
    key = (
        tuple(st.session_state.get(k) for k in ("wl_owner", "wl_segment", "wl_bucket", "wl_min")),
        st.session_state.get("wl_sort"),
        st.session_state.get("wl_desc"),
    )
    if st.session_state.get(SHOWN_FOR) != key:  # other filters: back to the first page
        st.session_state[SHOWN_FOR] = key
        st.session_state[PAGE] = 0
    last = (len(shown) - 1) // SCREEN_ROWS
    page = min(max(int(st.session_state.get(PAGE, 0)), 0), last)
    first = page * SCREEN_ROWS
    part = shown[first : first + SCREEN_ROWS]
    columns = list(worklist.COLUMNS)
    numeric = {column_label(c, lang) for c in columns if is_numeric_column(c)}
    st.html(table_html(display_frame(part, lang, columns), numeric, "worklist"))
    where, back, forward = st.columns([4, 1, 1])
    where.caption(t("rows_range", lang, first=first + 1, last=first + len(part), n=len(shown)))
    back.button(
        t("page_previous", lang), key="wl_previous", disabled=page == 0,
        on_click=_turn, args=(-1,), icon=":material/chevron_left:",
    )  # fmt: skip
    forward.button(
        t("page_next", lang), key="wl_next", disabled=page >= last,
        on_click=_turn, args=(1,), icon=":material/chevron_right:",
    )  # fmt: skip
    names = {str(r["customer_id"]): r for r in part}
    picked = st.selectbox(
        t("open_row_hint", lang), list(names), index=None, key="wl_open",
        placeholder=t("choose_customer", lang),
        format_func=lambda c: f"{names[c].get('name') or c} · "
        f"{format_amount(names[c].get('overdue_amount'), lang)}",
    )  # fmt: skip
    if picked:
        st.session_state.pop("wl_open", None)  # coming back must not reopen it
        _open(picked)


def render_worklist(api: ApiClient, lang: str, snapshot: str | None = None) -> None:
    """The overdue list; ``snapshot`` is the build the figures come from (said with the
    as-of date)."""
    loaded = _load(api)
    if loaded is None:
        return
    rows, truncated = loaded
    if not rows:
        st.success(t("no_overdue", lang), icon=":material/check_circle:")
        return
    shown = worklist.sort(
        worklist.apply(rows, _filters(rows, lang)),
        str(st.session_state.get("wl_sort") or "overdue_amount"),
        bool(st.session_state.get("wl_desc", True)),
    )
    sums = worklist.totals(shown)
    as_of = _as_of(api, rows)
    st.caption(data_line(snapshot, as_of, lang))
    st.markdown(
        "**"
        + t(
            "worklist_totals",
            lang,
            n=len(shown),
            overdue=format_amount(sums["overdue_amount"], lang),
            outstanding=format_amount(sums["outstanding_amount"], lang),
        )
        + "**"
    )
    if truncated:
        st.warning(t("list_truncated", lang, n=worklist.MAX_ROWS))
    if not shown:
        st.info(t("no_overdue", lang))
        return
    _page_table(shown, lang)
    left, right = st.columns(2)
    name = f"overdue-{as_of.isoformat()}" if as_of else "overdue"
    left.download_button(
        t("export_csv", lang),
        lambda: worklist.to_csv(shown, lang),  # built when clicked, not at each run
        file_name=f"{name}.csv",
        mime="text/csv",
        icon=":material/download:",
    )
    right.download_button(
        t("export_xlsx", lang),
        lambda: worklist.to_xlsx(shown, lang),
        file_name=f"{name}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/download:",
    )
