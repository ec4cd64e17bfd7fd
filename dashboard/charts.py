"""Pure chart functions: DataFrame in, plotly Figure out (no Streamlit calls here).

Each function accepts already-numeric columns (see ``tables.numeric_frame``) and labels
already translated by the caller, so they are trivial to unit test.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

import pandas as pd
import plotly.graph_objects as go

BUCKET_COLOURS = ["#4c9a2a", "#f2c14e", "#f08a24", "#e4572e", "#a4161a"]
LAYOUT = {"margin": {"l": 10, "r": 10, "t": 40, "b": 10}, "height": 320}


def localise(fig: go.Figure, lang: str) -> go.Figure:
    """Number separators of the UI language: ``1 234,5`` (fr) / ``1,234.5`` (en).

    plotly names months in English only, so French date axes show 28/11/2026 instead.
    """
    fig.update_layout(separators=", " if lang == "fr" else ".,")
    if lang == "fr":
        fig.update_xaxes(tickformat="%d/%m/%Y", hoverformat="%d/%m/%Y")
    return fig


def aging_bar(
    frame: pd.DataFrame, title: str = "", amount_text: list[str] | None = None
) -> go.Figure:
    """Aging buckets as bars. ``frame``: ``label`` (bucket name), ``amount`` (number)."""
    colours = (BUCKET_COLOURS * 2)[: len(frame)]
    fig = go.Figure(
        go.Bar(
            x=frame.get("label", []),
            y=frame.get("amount", []),
            marker_color=colours,
            text=amount_text,
            textposition="outside" if amount_text else None,
            hovertext=amount_text,
            name=title,
        )
    )
    fig.update_layout(title=title, showlegend=False, **LAYOUT)
    return fig


def utilisation_gauge(ratio: float | None, title: str = "") -> go.Figure:
    """Credit utilisation (``0.85`` = 85 %) as a gauge; green < 80 %, orange < 100 %, red."""
    value = 0.0 if ratio is None else ratio * 100
    upper = max(120.0, value * 1.1)
    fig = go.Figure(
        go.Indicator(
            mode="gauge+number",
            value=value,
            number={"suffix": " %", "valueformat": ".0f"},
            title={"text": title},
            gauge={
                "axis": {"range": [0, upper]},
                "bar": {"color": "#1f3b57"},
                "steps": [
                    {"range": [0, 80], "color": "#d8f0d2"},
                    {"range": [80, 100], "color": "#fde6c4"},
                    {"range": [100, upper], "color": "#f7c6c5"},
                ],
                "threshold": {"line": {"color": "#a4161a", "width": 3}, "value": 100},
            },
        )
    )
    fig.update_layout(margin={"l": 20, "r": 20, "t": 50, "b": 10}, height=220)
    return fig


def balance_line(frame: pd.DataFrame, x: str, ys: dict[str, str], title: str = "") -> go.Figure:
    """Balance over time: one line per column in ``ys`` (column → legend label)."""
    fig = go.Figure()
    ordered = frame.sort_values(x) if x in frame else frame
    for column, label in ys.items():
        if column in ordered:
            fig.add_trace(
                go.Scatter(x=ordered[x], y=ordered[column], mode="lines+markers", name=label)
            )
    fig.update_layout(title=title, **LAYOUT)
    return fig


def by_segment(
    frame: pd.DataFrame,
    x: str,
    y: str,
    title: str = "",
    kind: str = "bar",
    percent: bool = False,
) -> go.Figure:
    """One trace per ``segment`` of ``y`` against ``x`` (bars stacked, or lines)."""
    fig = go.Figure()
    if frame.empty or y not in frame:
        fig.update_layout(title=title, **LAYOUT)
        return fig
    data = frame.assign(segment=frame.get("segment", pd.Series(dtype=str)).fillna("—"))
    for segment, part in data.groupby("segment", sort=True):
        part = part.sort_values(x)
        if kind == "line":
            trace: go.BaseTraceType = go.Scatter(
                x=part[x], y=part[y], mode="lines+markers", name=str(segment)
            )
        else:
            trace = go.Bar(x=part[x], y=part[y], name=str(segment))
        fig.add_trace(trace)
    fig.update_layout(title=title, barmode="stack", **LAYOUT)
    if percent:
        fig.update_yaxes(tickformat=".0%")
    return fig


def horizontal_bar(frame: pd.DataFrame, label: str, value: str, title: str = "") -> go.Figure:
    """Generic ranked bar chart (e.g. match rate per source)."""
    ordered = frame.sort_values(value) if value in frame else frame
    fig = go.Figure(go.Bar(x=ordered.get(value, []), y=ordered.get(label, []), orientation="h"))
    fig.update_layout(title=title, **LAYOUT)
    return fig


def funnel(frame: pd.DataFrame, label: str, value: str, title: str = "") -> go.Figure:
    """The open pipeline by stage, the most advanced stage last (as the frame is ordered)."""
    fig = go.Figure(go.Funnel(y=frame.get(label, []), x=frame.get(value, [])))
    fig.update_layout(title=title, **LAYOUT)
    return fig


def days_late(frame: pd.DataFrame, title: str = "") -> go.Figure:
    """Days late per open invoice (``document_ref``, ``days_overdue``), the latest first."""
    fig = go.Figure()
    if not frame.empty:
        colours = [BUCKET_COLOURS[min(int(d) // 30 + 1, 4)] for d in frame["days_overdue"]]
        fig.add_trace(
            go.Bar(
                x=frame["days_overdue"],
                y=frame["document_ref"],
                orientation="h",
                marker_color=colours,
                text=frame.get("label"),
                hovertext=frame.get("label"),
            )
        )
    fig.update_layout(title=title, **LAYOUT)
    fig.update_yaxes(type="category", autorange="reversed")
    return fig


def monthly_bars(frame: pd.DataFrame, y: str, title: str = "") -> go.Figure:
    """``y`` per ``month`` (``YYYY-MM``) as bars."""
    fig = go.Figure(go.Bar(x=frame.get("month", []), y=frame.get(y, [])))
    fig.update_layout(title=title, **LAYOUT)
    fig.update_xaxes(type="category")
    return fig


def bars_html(
    title: str,
    labels: Sequence[str],
    values: Sequence[float],
    texts: Sequence[str],
    colours: Sequence[str] = BUCKET_COLOURS,
) -> str:
    """Horizontal bars as plain HTML (no script): for a page's first view, where loading
    the plotly library would cost the browser more than the whole rest of the page.
    Negative values (a credit balance) draw no bar; the text still says them."""
    top = max([v for v in values if v > 0], default=0.0)
    rows = []
    for i, (label, value, text) in enumerate(zip(labels, values, texts, strict=True)):
        width = 0.0 if top <= 0 or value <= 0 else max(value / top * 100, 0.5)
        colour = colours[i % len(colours)]
        rows.append(
            '<div class="c360-bar-row">'
            f'<span class="c360-bar-label">{html.escape(label)}</span>'
            f'<span class="c360-bar-track"><span class="c360-bar" style="width:{width:.1f}%;'
            f'background:{colour}"></span></span>'
            f'<span class="c360-bar-text">{html.escape(text)}</span></div>'
        )
    return (
        f'<div class="c360-bars"><div class="c360-bars-title">{html.escape(title)}</div>'
        + "".join(rows)
        + "</div>"
    )


# Vega-Lite specs (drawn by Streamlit's own Vega renderer): the browser loads and draws
# them for about a third of plotly's cost, so a page's first view uses these.
VEGA_LOCALES: dict[str, dict[str, Any]] = {
    "fr": {"decimal": ",", "thousands": "\u202f", "grouping": [3], "currency": ["", "\u00a0€"]},
    "en": {"decimal": ".", "thousands": ",", "grouping": [3], "currency": ["€", ""]},
}


def _vega(
    values: list[dict[str, Any]],
    x: dict[str, Any],
    y: dict[str, Any],
    colour: dict[str, Any] | None,
    title: str,
    lang: str,
) -> dict[str, Any]:
    encoding: dict[str, Any] = {"x": x, "y": y}
    if colour:
        encoding["color"] = colour
    return {
        "title": title,
        "height": 280,
        "data": {"values": values},
        "mark": {"type": "line", "point": True},
        "encoding": encoding,
        "config": {"locale": {"number": VEGA_LOCALES.get(lang, VEGA_LOCALES["en"])}},
    }


def year_over_year_spec(frame: pd.DataFrame, y: str, title: str, lang: str) -> dict[str, Any]:
    """``y`` by month of the year, one line per year (this year against last).

    ``frame``: ``month`` (ISO date, first of the month) and ``y`` (number)."""
    values = []
    if not frame.empty and y in frame:
        for month, value in zip(frame["month"].astype(str), frame[y], strict=True):
            if pd.notna(value):
                values.append({"year": month[:4], "mm": month[5:7], "value": float(value)})
    return _vega(
        values,
        {"field": "mm", "type": "ordinal", "title": None, "sort": "ascending"},
        {"field": "value", "type": "quantitative", "title": None, "axis": {"format": ",.0f"}},
        {"field": "year", "type": "nominal", "title": None},
        title,
        lang,
    )


def month_line_spec(
    frame: pd.DataFrame, ys: dict[str, str], title: str, lang: str, percent: bool = False
) -> dict[str, Any]:
    """One line per column of ``ys`` (column → translated name) against ``month``; months
    without a value are left out, not drawn at zero."""
    values = []
    for column, name in ys.items():
        if column not in frame:
            continue
        for month, value in zip(frame["month"].astype(str), frame[column], strict=True):
            if pd.notna(value):
                values.append({"month": month[:7], "series": name, "value": float(value)})
    axis = {"format": ".0%" if percent else ",.0f"}
    return _vega(
        values,
        {"field": "month", "type": "ordinal", "title": None},
        {"field": "value", "type": "quantitative", "title": None, "axis": axis},
        {"field": "series", "type": "nominal", "title": None} if len(ys) > 1 else None,
        title,
        lang,
    )
