"""The KPI page's month lines are plain SVG (no chart library to load): the points, gaps,
axis values in the locale's format and the hover text of each point."""

from __future__ import annotations

import base64
import re

import pandas as pd

from dashboard.charts import _ticks, lines_html, month_lines_html, year_over_year_html


def _svg(chart: str) -> str:
    """The SVG inside the chart's image (a data URL: st.html keeps no inline SVG)."""
    found = re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', chart)
    return base64.b64decode(found.group(1)).decode() if found else ""


def _points(chart: str) -> list[str]:
    return re.findall(r"<title>([^<]*)</title>", _svg(chart))


def test_ticks_are_round_and_cover_the_values() -> None:
    assert _ticks(0, 95) == [0, 25, 50, 75, 100]
    assert _ticks(-12, 40) == [-20, 0, 20, 40]
    assert _ticks(0, 0.37) == [0, 0.1, 0.2, 0.30000000000000004, 0.4]
    assert _ticks(5, 5)[0] <= 5 <= _ticks(5, 5)[-1]


def test_month_lines_leave_gaps_and_say_values_in_french() -> None:
    frame = pd.DataFrame(
        {"month": ["2026-09-01", "2026-10-01", "2026-11-01"], "dso_days": [41.0, None, 1234.0]}
    )
    chart = month_lines_html(frame, {"dso_days": "DSO"}, "DSO par mois", "fr")
    assert 'data-chart="DSO par mois"' in chart
    assert _points(chart) == ["DSO · 09/2026 : 41", "DSO · 11/2026 : 1\u202f234"]
    assert "<polyline" not in _svg(chart)  # the gap splits the line into two single points
    assert "c360-legend" not in chart  # one series: no legend


def test_year_over_year_one_line_per_year_and_percent_axis() -> None:
    frame = pd.DataFrame(
        {
            "month": ["2025-11-01", "2025-12-01", "2026-01-01", "2026-11-01"],
            "revenue_amount": [10.0, 20.0, 30.0, 40.0],
        }
    )
    chart = year_over_year_html(frame, "revenue_amount", "CA", "en")
    assert _svg(chart).count("<polyline") == 1  # 2025-11 → 2025-12; 2026 has no neighbours
    assert "2025 · 11 : 10" in _points(chart) and "2026 · 11 : 40" in _points(chart)
    assert chart.count("c360-legend-item") == 2
    rate = lines_html("Win rate", ["a", "b"], {"rate": [0.25, 0.5]}, "fr", percent=True)
    assert _points(rate)[1].startswith("rate · b : 50") and _points(rate)[1].endswith("%")


def test_no_value_draws_a_dash_not_an_empty_axis() -> None:
    chart = month_lines_html(pd.DataFrame(), {"x": "X"}, "Titre", "fr")
    assert "<img" not in chart and "—" in chart
