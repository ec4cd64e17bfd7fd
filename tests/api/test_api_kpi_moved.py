"""The parts of GET /kpis/summary that aggregated the DuckDB snapshot at request time (top
customers, relationship KPIs) now read the serving contract, and answer what that SQL
(kept in kpi_summary_reference/ as the oracle, run here straight on the snapshot) gives
for the same period and segment, to the cent: on the company built by the real pipeline
(tests/api/pipeline_company.py) and on the demo (which has quotes, tickets, payments).

Top customers are kept for the periods the API offers (docs/api.md): any period ending at
the as-of month, and any single month; for another, `top_customers_available` is false."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
from fastapi.testclient import TestClient

from kernel.snapshots import current_snapshot

REFERENCE = Path(__file__).parent / "kpi_summary_reference"


def _rows(con: duckdb.DuckDBPyConnection, name: str, params: dict[str, Any]) -> list[Any]:
    text = (REFERENCE / f"{name}.sql").read_text(encoding="utf-8")
    result = con.execute(text, params)
    columns = [d[0] for d in result.description or ()]
    return [dict(zip(columns, r, strict=True)) for r in result.fetchall()]


def _same(got: list[dict[str, Any]], want: list[dict[str, Any]], what: str) -> None:
    assert len(got) == len(want), (what, got, want)
    for g, w in zip(got, want, strict=True):
        for key, ref in w.items():
            value = g[key]
            if key.endswith("amount"):
                assert Decimal(value) == ref, (what, key, g, w)
            elif isinstance(ref, Decimal):
                assert Decimal(str(value)) == ref, (what, key, g, w)
            elif isinstance(ref, date):
                assert value == ref.isoformat(), (what, key, g, w)
            else:
                assert value == ref, (what, key, g, w)


def check_summary(snapshot: Path, get: Callable[[dict[str, str]], dict[str, Any]]) -> int:
    """Compare every moved figure for a grid of periods × segments; the count compared."""
    con = duckdb.connect(str(snapshot), read_only=True)
    try:
        row = con.execute("select max(build_date) from mart.balance_history").fetchone()
        assert row is not None
        as_of = row[0]
        as_of_month = as_of.replace(day=1)
        months = [
            r[0]
            for r in con.execute(
                "select distinct date_trunc('month', issue_date)::date from core.revenue_line "
                "where issue_date <= ? order by 1",
                [as_of],
            ).fetchall()
        ]
        segments = [
            r[0]
            for r in con.execute(
                "select distinct coalesce(segment, '(none)') from mart.customer_360 order by 1"
            ).fetchall()
        ]
        assert months and segments
        early = date(months[0].year - 1, months[0].month, 1)
        # Offered: ending at (or after) the as-of month, or one month; then the others.
        offered = [
            (None, None),
            (early, None),
            (months[0], None),
            (months[len(months) // 2], None),
            (as_of_month, None),
            (months[len(months) // 2], as_of_month),
            (months[0], date(as_of.year + 1, 1, 1)),
            (months[0], months[0]),
            (months[len(months) // 2], months[len(months) // 2]),
            (as_of_month, as_of_month),
            (as_of_month, months[0]),  # from after to: nothing
        ]
        others = [(None, months[len(months) // 2]), (months[0], months[len(months) // 2])]
        checked = 0
        for first, last in offered + others:
            for segment in (None, segments[0], segments[-1], "no such segment"):
                params = {
                    name: value
                    for name, value in (
                        ("from", first and first.strftime("%Y-%m")),
                        ("to", last and last.strftime("%Y-%m")),
                        ("segment", segment),
                    )
                    if value
                }
                body = get(params)
                period = {"date_from": first, "date_to": last, "as_of": as_of}
                scoped = {**period, "segment": segment}
                if (first, last) in offered:
                    assert body["top_customers_available"] is True, params
                    _same(body["top_customers"], _rows(con, "top_customers", scoped), "top")
                else:
                    assert body["top_customers_available"] is False, params
                    assert body["top_customers"] == []
                rel = body["relationship"]
                _same(rel["months"], _rows(con, "relationship_months", scoped), "months")
                _same(rel["segments"], _rows(con, "relationship_segments", period), "segments")
                _same(
                    rel["quote_ageing"],
                    _rows(con, "quote_ageing", {"segment": segment}),
                    "quote_ageing",
                )
                checked += 1
    finally:
        con.close()
    return checked


def _getter(client: TestClient, headers: dict[str, str]) -> Callable[..., dict[str, Any]]:
    def get(params: dict[str, str]) -> dict[str, Any]:
        resp = client.get("/api/v1/kpis/summary", params=params, headers=headers)
        assert resp.status_code == 200, resp.text
        body: dict[str, Any] = resp.json()
        return body

    return get


def test_moved_kpis_equal_the_request_time_sql_on_the_company(
    template: Any, shared_client: TestClient, shared_auth: Callable[[str], dict[str, str]]
) -> None:
    snapshot = current_snapshot(template.snapshots_dir)
    assert snapshot is not None
    get = _getter(shared_client, shared_auth("eric"))
    assert check_summary(snapshot, get) == 13 * 4
    # The company's top customer of all time, worked out by hand (tests/data/api_company).
    top = get({})["top_customers"]
    assert top and top[0]["revenue_amount"] == max(t["revenue_amount"] for t in top)


def test_moved_kpis_equal_the_request_time_sql_on_the_demo(
    built_demo: Any, demo_executive: TestClient
) -> None:
    snapshot = current_snapshot(built_demo.settings.snapshots_dir)
    assert snapshot is not None
    get = _getter(demo_executive, {})
    assert check_summary(snapshot, get) == 13 * 4
    body = get({})
    # The demo has every relationship figure: the comparison above compared something.
    rel = body["relationship"]
    assert len(body["top_customers"]) == 10
    assert rel["months"] and rel["segments"]
    assert sum(b["quote_count"] for b in rel["quote_ageing"]) > 0


def test_every_win_rate_is_one_type_rounded_to_four_decimals(
    built_demo: Any, demo_executive: TestClient
) -> None:
    body = demo_executive.get("/api/v1/kpis/summary").json()
    rates = [
        r["win_rate"]
        for part in ("months", "segments", "owners")
        for r in body[part]
        if r["win_rate"] is not None
    ]
    assert rates and all(isinstance(r, float) for r in rates)
    assert all(Decimal(str(r)) == Decimal(str(r)).quantize(Decimal("0.0001")) for r in rates)
    seg = next(s for s in body["segments"] if s["won_count"] + s["lost_count"] > 0)
    exact = Decimal(seg["won_count"]) / (seg["won_count"] + seg["lost_count"])
    assert abs(Decimal(str(seg["win_rate"])) - exact) <= Decimal("0.00005")
