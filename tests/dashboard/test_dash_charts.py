"""Pure chart, table and aggregation functions: small frames in, figures/frames out."""

from __future__ import annotations

from typing import Any

import pandas as pd
import plotly.graph_objects as go

from dashboard import charts
from dashboard.aggregate import kpi_month_segment, kpi_total, latest_totals
from dashboard.navigation import visible_pages
from dashboard.profile import aging_frame
from dashboard.tables import display_frame, explode_nested, numeric_frame


def test_aging_bar_has_one_bar_trace_per_bucket() -> None:
    frame = aging_frame({"not_due": "100.00", "d1_30": "50.5", "over_90": None}, "fr")
    fig = charts.aging_bar(frame, "Balance âgée", ["a", "b", "c", "d", "e"])
    assert isinstance(fig, go.Figure)
    assert len(fig.data) == 1 and fig.data[0].type == "bar"
    assert list(fig.data[0].x) == ["Non échu", "1–30 j", "31–60 j", "61–90 j", "> 90 j"]
    assert list(fig.data[0].y) == [100.0, 50.5, 0.0, 0.0, 0.0]


def test_gauge_shows_percentage() -> None:
    fig = charts.utilisation_gauge(0.85, "Utilisation")
    assert fig.data[0].type == "indicator"
    assert fig.data[0].value == 85.0


def test_balance_line_one_trace_per_series_sorted_by_date() -> None:
    frame = numeric_frame(
        [
            {"build_date": "2026-11-28", "outstanding_amount": "10.00", "overdue_amount": "1"},
            {"build_date": "2026-11-27", "outstanding_amount": "8.00", "overdue_amount": "0"},
        ],
        ["outstanding_amount", "overdue_amount"],
    )
    fig = charts.balance_line(
        frame, "build_date", {"outstanding_amount": "Encours", "overdue_amount": "Échu"}
    )
    assert [tr.name for tr in fig.data] == ["Encours", "Échu"]
    assert list(fig.data[0].x) == ["2026-11-27", "2026-11-28"]
    assert list(fig.data[0].y) == [8.0, 10.0]


def test_by_segment_traces_and_empty_frame() -> None:
    frame = pd.DataFrame(
        {
            "month": ["2026-10", "2026-11", "2026-11"],
            "segment": ["PME", "PME", "ETI"],
            "revenue_amount": [1.0, 2.0, 3.0],
        }
    )
    fig = charts.by_segment(frame, "month", "revenue_amount")
    assert sorted(tr.name for tr in fig.data) == ["ETI", "PME"]
    assert all(tr.type == "bar" for tr in fig.data)
    assert charts.by_segment(frame, "month", "revenue_amount", kind="line").data[0].type == (
        "scatter"
    )
    assert len(charts.by_segment(pd.DataFrame(), "month", "x").data) == 0


def test_kpi_rollup_prefers_segment_totals_and_recomputes_win_rate() -> None:
    records: list[dict[str, Any]] = [
        {
            "month": "2026-11-01",
            "segment": "PME",
            "owner": None,
            "revenue_amount": "300.00",
            "won_count": 1,
            "lost_count": 3,
            "dso_days": 40.0,
        },
        {
            "month": "2026-11-01",
            "segment": "PME",
            "owner": "Alice",
            "revenue_amount": "100.00",
            "won_count": 1,
            "lost_count": 1,
            "dso_days": 10.0,
        },
        {
            "month": "2026-10-01",
            "segment": "PME",
            "owner": None,
            "revenue_amount": "50.10",
            "won_count": 0,
            "lost_count": 0,
            "dso_days": 30.0,
        },
    ]
    frame = kpi_month_segment(records)
    assert list(frame["month"]) == ["2026-10", "2026-11"]
    assert list(frame["revenue_amount"]) == [50.1, 300.0]
    assert frame["win_rate"].iloc[1] == 0.25
    assert pd.isna(frame["win_rate"].iloc[0])
    head = latest_totals(frame)
    assert head["month"] == "2026-11" and head["revenue_amount"] == 300.0
    assert kpi_month_segment([]).empty


def test_display_frame_formats_and_translates() -> None:
    records = [
        {
            "invoice_number": "F1",
            "due_date": "2026-12-01",
            "amount_open": "1234.56",
            "currency": "EUR",
            "probability": 0.5,
        }
    ]
    frame = display_frame(records, "fr")
    assert list(frame.columns) == ["N° facture", "Échéance", "Reste dû", "Devise", "Probabilité"]
    row = frame.iloc[0]
    assert row["Échéance"] == "01/12/2026"
    assert row["Reste dû"] == "1\u202f234,56\u00a0€"
    assert row["Probabilité"] == "50,0\u202f%"
    assert display_frame([], "fr").empty


def test_roles_see_only_their_pages() -> None:
    assert visible_pages("sales") == ["customers"]
    assert visible_pages("finance") == ["customers", "receivables"]
    assert visible_pages("executive") == ["customers", "kpis"]
    assert visible_pages("admin") == ["customers", "receivables", "kpis", "quality", "writeback"]
    assert visible_pages("integration") == []


def test_nested_lists_become_rows() -> None:
    records = [
        {
            "source": "crm",
            "count": 3,
            "reasons": [
                {"reason": "SIRET invalide", "count": 2},
                {"reason": "date invalide", "count": 1},
            ],
        },
        {"source": "erp", "count": 0, "reasons": []},
    ]
    assert explode_nested(records) == [
        {"source": "crm", "count": 3, "reason": "SIRET invalide", "reasons_count": 2},
        {"source": "crm", "count": 3, "reason": "date invalide", "reasons_count": 1},
        {"source": "erp", "count": 0, "reasons": []},
    ]


def test_localise_sets_number_separators() -> None:
    assert charts.localise(go.Figure(), "fr").layout.separators == ", "
    assert charts.localise(go.Figure(), "en").layout.separators == ".,"


def test_kpi_total_sums_segments_and_weights_ratios_by_revenue() -> None:
    frame = kpi_month_segment(
        [
            {"month": "2026-11-01", "segment": "PME", "revenue_amount": "100", "dso_days": 10},
            {"month": "2026-11-01", "segment": "ETI", "revenue_amount": "300", "dso_days": 50},
        ]
    )
    total = kpi_total(frame, "Tous")
    assert list(total["segment"]) == ["Tous"]
    assert total["revenue_amount"].iloc[0] == 400.0
    assert total["dso_days"].iloc[0] == 40.0
