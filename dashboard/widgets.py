"""Small Streamlit building blocks shared by the pages (tables with empty states, amounts)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import plotly.graph_objects as go
import streamlit as st

from dashboard.charts import bars_html, localise
from dashboard.client import rows
from dashboard.i18n import t
from dashboard.tables import display_frame, explode_nested

# Technical columns that mean nothing to a person reading the screen.
HIDDEN = {"customer_id", "_run_id", "_file", "_line", "is_deleted", "raw_json"}
# Source-system keys (``__export__.account_move_21561_48e84f02``): shown only when asked.
TECHNICAL = {"source_id", "run_id", "build_id"}


def show_table(
    payload: Any,
    lang: str,
    columns: Sequence[str] | None = None,
    currency: str = "EUR",
    key: str | None = None,
    technical: bool = False,
) -> int:
    """Render a list response as a table (or an explicit empty state); returns rows shown.

    ``None`` means the call failed and its error is already on screen: nothing more is shown.
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
    st.dataframe(frame, hide_index=True, key=key)
    count = payload.get("count") if isinstance(payload, dict) else None
    if isinstance(count, int) and count > len(records):
        st.caption(t("shown_of", lang, shown=len(records), count=count))
    return len(records)


def show_chart(lang: str, where: Any, fig: go.Figure) -> None:
    """Draw a plotly figure in ``where`` (``st`` or a column) with the language's separators."""
    where.plotly_chart(localise(fig, lang))


def show_spec(where: Any, spec: dict[str, Any]) -> None:
    """Draw a Vega-Lite spec (``charts.*_spec``) in ``where`` (``st`` or a column)."""
    where.vega_lite_chart(spec, width="stretch")


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
