"""Pure chart functions: DataFrame in, plotly Figure out (no Streamlit calls here).

Each function accepts already-numeric columns (see ``tables.numeric_frame``) and labels
already translated by the caller, so they are trivial to unit test.
"""

from __future__ import annotations

import base64
import html
import math
from collections.abc import Mapping, Sequence

import pandas as pd
import plotly.graph_objects as go

from dashboard.aggregate import month_name
from kernel.locale_format import format_number, format_percent

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


# Month lines as inline SVG (no script, like ``bars_html``): the KPI page's first view
# would otherwise load a chart library, which costs the browser more than the page.
LINE_COLOURS = ("#1f3b57", "#e4572e", "#4c9a2a", "#f2c14e", "#7b5ea7")
SVG_W, SVG_H = 640, 240
PAD_L, PAD_R, PAD_T, PAD_B = 84, 14, 10, 28
MAX_X_LABELS = 8
SVG_STYLE = (
    "text{font:14px 'Source Sans Pro',Arial,sans-serif;fill:#555}"
    ".c360-grid{stroke:#ddd;stroke-width:1}"
)


def _ticks(low: float, high: float, n: int = 4) -> list[float]:
    """Round axis values covering ``low``..``high`` (1, 2, 2.5 or 5 times a power of ten)."""
    raw = (high - low) / n if high > low else abs(high) or 1.0
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    value = math.floor(low / step) * step
    ticks = [value]
    while ticks[-1] < high - step * 1e-9:
        ticks.append(ticks[-1] + step)
    return ticks if len(ticks) > 1 else [value, value + step]


def lines_html(
    title: str,
    xs: Sequence[str],
    series: Mapping[str, Sequence[float | None]],
    lang: str,
    percent: bool = False,
) -> str:
    """One line per entry of ``series`` (name → a value per ``xs`` label, ``None`` for a
    gap) as an SVG chart; each point's hover title says its value in the locale's format.
    """

    def text(value: float) -> str:
        return format_percent(value, lang) if percent else format_number(value, lang, 0)

    found = [v for values in series.values() for v in values if v is not None]
    if not xs or not found:
        return f'<div class="c360-chart"><div class="c360-bars-title">{html.escape(title)}</div>—</div>'
    ticks = _ticks(min(0.0, *found), max(0.0, *found))
    low, high = ticks[0], ticks[-1]
    width, height = SVG_W - PAD_L - PAD_R, SVG_H - PAD_T - PAD_B
    step = width / max(len(xs) - 1, 1)

    def x(i: int) -> float:
        return PAD_L + (i * step if len(xs) > 1 else width / 2)

    def y(value: float) -> float:
        return PAD_T + height * (1 - (value - low) / (high - low))

    parts = []
    for tick in ticks:
        parts.append(
            f'<line x1="{PAD_L}" x2="{SVG_W - PAD_R}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" '
            f'class="c360-grid"/><text x="{PAD_L - 6}" y="{y(tick) + 4:.1f}" '
            f'text-anchor="end">{html.escape(text(tick))}</text>'
        )
    every = max(1, math.ceil(len(xs) / MAX_X_LABELS))
    for i, label in enumerate(xs):
        if i % every == 0 or i == len(xs) - 1 and len(xs) <= MAX_X_LABELS:
            parts.append(
                f'<text x="{x(i):.1f}" y="{SVG_H - 8}" text-anchor="middle">'
                f"{html.escape(label)}</text>"
            )
    legend = []
    for k, (name, values) in enumerate(series.items()):
        colour = LINE_COLOURS[k % len(LINE_COLOURS)]
        runs: list[list[str]] = [[]]
        for i, value in enumerate(values):
            if value is None:
                runs.append([])
                continue
            runs[-1].append(f"{x(i):.1f},{y(value):.1f}")
            parts.append(
                f'<circle cx="{x(i):.1f}" cy="{y(value):.1f}" r="2.5" fill="{colour}">'
                f"<title>{html.escape(f'{name} · {xs[i]} : {text(value)}')}</title></circle>"
            )
        parts.extend(
            f'<polyline points="{" ".join(run)}" fill="none" stroke="{colour}" stroke-width="2"/>'
            for run in runs
            if len(run) > 1
        )
        legend.append(
            f'<span class="c360-legend-item"><span class="c360-swatch" '
            f'style="background:{colour}"></span>{html.escape(name)}</span>'
        )
    keys = f'<div class="c360-legend">{"".join(legend)}</div>' if len(series) > 1 else ""
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {SVG_W} {SVG_H}">'
        f"<style>{SVG_STYLE}</style>{''.join(parts)}</svg>"
    )
    # an image, not inline SVG: st.html's sanitiser keeps no <svg> element
    source = "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
    return (
        f'<div class="c360-chart" data-chart="{html.escape(title)}">'
        f'<div class="c360-bars-title">{html.escape(title)}</div>{keys}'
        f'<img src="{source}" alt="{html.escape(title)}" width="100%"></div>'
    )


def year_over_year_html(frame: pd.DataFrame, y: str, title: str, lang: str) -> str:
    """``y`` by month of the year, one line per year (this year against last).

    ``frame``: ``month`` (ISO date, first of the month) and ``y`` (number)."""
    by_year: dict[str, list[float | None]] = {}
    if not frame.empty and y in frame:
        for month, value in zip(frame["month"].astype(str), frame[y], strict=True):
            if pd.notna(value):
                year = by_year.setdefault(month[:4], [None] * 12)
                year[int(month[5:7]) - 1] = float(value)
    months = [f"{m:02d}" for m in range(1, 13)]
    return lines_html(title, months, dict(sorted(by_year.items())), lang)


def month_lines_html(
    frame: pd.DataFrame, ys: dict[str, str], title: str, lang: str, percent: bool = False
) -> str:
    """One line per column of ``ys`` (column → translated name) against ``month``; months
    without a value are gaps, not drawn at zero."""
    if frame.empty or "month" not in frame:
        return lines_html(title, [], {}, lang, percent)
    xs = [month_name(m, lang) for m in frame["month"].astype(str)]
    series = {
        name: [float(v) if pd.notna(v) else None for v in frame[column]]
        for column, name in ys.items()
        if column in frame
    }
    return lines_html(title, xs, series, lang, percent)
