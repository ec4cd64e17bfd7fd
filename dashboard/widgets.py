"""Small Streamlit building blocks shared by the pages (tables with empty states, amounts)."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard.charts import bars_html, localise
from dashboard.client import rows
from dashboard.i18n import column_label, t
from dashboard.tables import display_frame, explode_nested, is_numeric_column

# Technical columns that mean nothing to a person reading the screen.
HIDDEN = {"customer_id", "_run_id", "_file", "_line", "is_deleted", "raw_json"}
# Source-system keys (``__export__.account_move_21561_48e84f02``): shown only when asked.
TECHNICAL = {"source_id", "run_id", "build_id"}
# Up to this many rows a table is drawn as plain HTML: Streamlit's data grid (a canvas)
# costs the browser ~0.3 s of CPU to load and lay out, more than the rest of a 360° screen.
LIGHT_MAX_ROWS = 100


def show_table(
    payload: Any,
    lang: str,
    columns: Sequence[str] | None = None,
    currency: str = "EUR",
    key: str | None = None,
    technical: bool = False,
    light: bool = False,
) -> int:
    """Render a list response as a table (or an explicit empty state); returns rows shown.

    ``None`` means the call failed and its error is already on screen: nothing more is shown.
    ``light``: up to ``LIGHT_MAX_ROWS`` rows, one HTML table instead of the data grid (no
    sorting or CSV button: for the short lists of a 360° screen).
    """
    if payload is None:
        return 0
    records = explode_nested(rows(payload))
    if not records:
        st.info(t("empty", lang))
        return 0
    if columns is None:
        hide = HIDDEN if technical else HIDDEN | TECHNICAL
        columns = [c for c in records[0] if c not in hide]
    frame = display_frame(records, lang, columns, currency)
    if light and len(records) <= LIGHT_MAX_ROWS:
        numeric = {column_label(c, lang) for c in columns if is_numeric_column(c)}
        st.html(table_html(frame, numeric, key))
    else:
        st.dataframe(frame, hide_index=True, key=key)
    count = payload.get("count") if isinstance(payload, dict) else None
    if isinstance(count, int) and count > len(records):
        st.caption(t("shown_of", lang, shown=len(records), count=count))
    return len(records)


def table_html(frame: pd.DataFrame, numeric: set[str], name: str | None = None) -> str:
    """A display frame as one HTML table (headers and cells escaped; ``numeric`` columns
    right-aligned), in a box that scrolls past 28 rows or the page's width."""
    right = [c in numeric for c in frame.columns]
    head = "".join(
        f'<th class="num">{html.escape(str(c))}</th>' if r else f"<th>{html.escape(str(c))}</th>"
        for c, r in zip(frame.columns, right, strict=True)
    )
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="num">{html.escape(str(v))}</td>'
            if r
            else f"<td>{html.escape(str(v))}</td>"
            for v, r in zip(row, right, strict=True)
        )
        + "</tr>"
        for row in frame.itertuples(index=False, name=None)
    )
    tag = f' data-table="{html.escape(name)}"' if name else ""
    return (
        f'<div class="c360-table-box"{tag}><table class="c360-table">'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"
    )


def cards_html(cards: Sequence[tuple[str, str, str | None]], columns: int = 4) -> str:
    """``(label, value, help)`` cards as one HTML grid: a dozen ``st.metric`` widgets are a
    dozen React components (with tooltips) for the browser to mount; this is one element.
    The help text is the card's hover title."""
    cells = []
    for label, value, help_text in cards:
        title = f' title="{html.escape(help_text)}"' if help_text else ""
        cells.append(
            f'<div class="c360-card" data-testid="c360Card"{title}>'
            f'<div class="c360-card-label" data-testid="c360CardLabel">{html.escape(label)}</div>'
            f'<div class="c360-card-value" data-testid="c360CardValue">{html.escape(value)}</div>'
            "</div>"
        )
    style = f"grid-template-columns:repeat({columns},minmax(0,1fr))"
    return f'<div class="c360-cards" style="{style}">{"".join(cells)}</div>'


def show_chart(lang: str, where: Any, fig: go.Figure) -> None:
    """Draw a plotly figure in ``where`` (``st`` or a column) with the language's separators."""
    where.plotly_chart(localise(fig, lang))


def show_bars(
    where: Any, title: str, labels: Sequence[str], values: Sequence[float], texts: Sequence[str]
) -> None:
    """Light HTML bars (``charts.bars_html``) in ``where`` (``st`` or a column)."""
    where.html(bars_html(title, labels, values, texts))


def severity_box(severity: str | None, text: str) -> None:
    """A callout coloured by alert severity."""
    level = (severity or "").lower()
    if level in ("critical", "high", "error"):
        st.error(text, icon=":material/error:")
    elif level in ("medium", "warning", "warn"):
        st.warning(text, icon=":material/warning:")
    else:
        st.info(text, icon=":material/info:")
