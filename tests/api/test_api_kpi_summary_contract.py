"""GET /kpis/summary reads the serving contract, and answers what the SQL the route ran on
the snapshot before (kept in kpi_summary_reference/ as this test's oracle) computes for
the same period and segment, on a snapshot built by the real pipeline, to the cent."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest
from fastapi.testclient import TestClient

REFERENCE = Path(__file__).parent / "kpi_summary_reference"


def _sql(name: str) -> str:
    return (REFERENCE / f"{name}.sql").read_text(encoding="utf-8")


def _rows(
    con: duckdb.DuckDBPyConnection, name: str, params: dict[str, Any]
) -> list[dict[str, Any]]:
    result = con.execute(_sql(name), params)
    columns = [d[0] for d in result.description or ()]
    return [dict(zip(columns, r, strict=True)) for r in result.fetchall()]


def _same(api: list[dict[str, Any]], expected: list[dict[str, Any]], keys: tuple[str, ...]) -> None:
    assert len(api) == len(expected)
    for got, want in zip(api, expected, strict=True):
        for key in keys:
            value, ref = got[key], want[key]
            if key.endswith("amount"):
                assert Decimal(value) == ref, (key, got, want)
            elif isinstance(ref, (Decimal, float)):
                assert value == pytest.approx(float(ref), abs=1e-9), (key, got, want)
            elif isinstance(ref, date):
                assert value == ref.isoformat(), (key, got, want)
            else:
                assert value == ref, (key, got, want)


def test_summary_from_the_contract_equals_the_sql_on_the_snapshot(
    demo_snapshot: duckdb.DuckDBPyConnection,
    demo_client: TestClient,
) -> None:
    con = demo_snapshot
    found = con.execute(_sql("as_of")).fetchone()
    assert found is not None
    as_of = found[0]
    segments = [
        r[0]
        for r in con.execute(
            "select distinct coalesce(segment, '(none)') from core.customer order by 1"
        ).fetchall()
    ]
    assert as_of is not None and segments
    months = [
        r[0]
        for r in con.execute("select distinct month from mart.kpi_monthly order by 1").fetchall()
    ]
    assert len(months) >= 3
    periods = [
        (None, None),
        (months[1], None),
        (None, months[-2]),
        (months[1], months[-2]),
        (months[-1], months[-1]),
        (months[-1], months[0]),  # empty: from after to
    ]
    checked = 0
    for first, last in periods:
        for segment in (None, segments[0], segments[-1], "no such segment"):
            params: dict[str, str] = {}
            if first:
                params["from"] = first.strftime("%Y-%m")
            if last:
                params["to"] = last.strftime("%Y-%m")
            if segment:
                params["segment"] = segment
            resp = demo_client.get("/api/v1/kpis/summary", params=params)
            assert resp.status_code == 200, resp.text
            body = resp.json()
            period = {"date_from": first, "date_to": last, "as_of": as_of}
            with_segment = {**period, "segment": segment}
            assert body["as_of"] == as_of.isoformat()
            _same(
                body["months"],
                _rows(con, "months", with_segment),
                (
                    "month",
                    "revenue_amount",
                    "credit_note_amount",
                    "pipeline_amount",
                    "weighted_pipeline_amount",
                    "won_count",
                    "lost_count",
                    "win_rate",
                    "active_customers",
                    "new_customers",
                    "dso_days",
                    "overdue_share",
                ),
            )
            group = (
                "revenue_amount",
                "credit_note_amount",
                "pipeline_amount",
                "won_count",
                "lost_count",
                "new_customers",
            )
            expected_segments = _rows(con, "segments", period)
            for row in expected_segments:
                won, lost = row["won_count"], row["lost_count"]
                # One type for every win_rate: rounded half up to 4 decimals.
                row["win_rate"] = (
                    (Decimal(won) / (won + lost)).quantize(Decimal("0.0001"), ROUND_HALF_UP)
                    if won + lost
                    else None
                )
            _same(body["segments"], expected_segments, ("segment", *group, "win_rate"))
            _same(body["owners"], _rows(con, "owners", with_segment), ("owner", *group, "win_rate"))
            _same(
                body["funnel"],
                _rows(con, "funnel", {"segment": segment}),
                ("stage", "opportunity_count", "amount", "weighted_amount"),
            )
            checked += 1
    assert checked == len(periods) * 4


def test_runs_from_the_contract_equal_the_snapshot_meta(
    demo_snapshot: duckdb.DuckDBPyConnection,
    demo_client: TestClient,
) -> None:
    con = demo_snapshot
    runs = con.execute(
        "select run_id, source, file, rows_loaded, started_at from meta.ingest_run "
        "order by started_at desc, source, file"
    ).fetchall()
    builds = con.execute("select build_id, started_at from meta.build").fetchall()
    body = demo_client.get("/api/v1/runs", params={"limit": 1000}).json()
    assert body["ingest_run_count"] == len(runs) > 0
    got = [(r["run_id"], r["source"], r["file"], r["rows_loaded"]) for r in body["ingest_runs"]]
    assert got == [r[:4] for r in runs]
    assert [b["build_id"] for b in body["builds"]] == sorted((b[0] for b in builds), reverse=True)
    started = {b[0]: b[1] for b in builds}
    for b in body["builds"]:
        assert b["started_at"].startswith(started[b["build_id"]].isoformat()[:19])
    one = runs[0][1]
    body = demo_client.get("/api/v1/runs", params={"source": one, "limit": 1}).json()
    assert body["ingest_run_count"] == sum(1 for r in runs if r[1] == one)
    assert len(body["ingest_runs"]) == 1 and body["ingest_runs"][0]["source"] == one
