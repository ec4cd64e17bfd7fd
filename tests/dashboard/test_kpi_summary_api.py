"""GET /kpis/summary: aggregates of the period computed by the API, equal to the cent to
the sum of every /kpis row, and never a month after the as-of date."""

from __future__ import annotations

import contextlib
from decimal import Decimal
from typing import Any

import httpx
import pytest


def _client(api_url: str, user: tuple[str, str]) -> httpx.Client:
    http = httpx.Client(base_url=f"{api_url}/api/v1", timeout=120)
    token = http.post("/auth/token", data={"username": user[0], "password": user[1]})
    token.raise_for_status()
    http.headers["Authorization"] = f"Bearer {token.json()['access_token']}"
    return http


def _all_kpi_rows(http: httpx.Client, params: dict[str, str]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    cursor = None
    while True:
        page = http.get(
            "/kpis", params={**params, "limit": 5000, **({"cursor": cursor} if cursor else {})}
        ).json()
        out.extend(page["data"])
        cursor = page.get("next_cursor")
        if not cursor:
            return out


def test_summary_matches_every_row_and_stops_at_the_as_of_month(
    api_server: str, e2e_user: tuple[str, str]
) -> None:
    http = _client(api_server, e2e_user)
    with contextlib.closing(http):
        summary = http.get("/kpis/summary", params={"from": "2025-01"})
        assert summary.status_code == 200, summary.text
        body = summary.json()
        as_of = body["as_of"]
        assert as_of
        months = body["months"]
        assert months and all(m["month"] <= as_of for m in months)
        assert months[-1]["month"] == as_of[:8] + "01"  # the headline is the as-of month
        assert months[-1]["dso_days"] is not None and months[-1]["overdue_share"] is not None
        rows = [r for r in _all_kpi_rows(http, {"from": "2025-01"}) if r["month"] <= as_of]
        for field in ("revenue_amount", "credit_note_amount"):
            expected = sum((Decimal(r[field]) for r in rows), Decimal(0))
            assert sum((Decimal(m[field]) for m in months), Decimal(0)) == expected
            by_segment = sum((Decimal(s[field]) for s in body["segments"]), Decimal(0))
            by_owner = sum((Decimal(o[field]) for o in body["owners"]), Decimal(0))
            assert by_segment == expected and by_owner == expected
        assert len(body["segments"]) <= 9
        assert len(body["top_customers"]) <= 10
        assert body["funnel"] and all(f["opportunity_count"] > 0 for f in body["funnel"])
        bad = http.get("/kpis/summary", params={"from": "next year"})
        assert bad.status_code == 422


def test_summary_is_for_executives_only(api_server: str, request: pytest.FixtureRequest) -> None:
    built = request.getfixturevalue("built_demo")
    sales = next(u for u in built.truth["users"] if u["role"] == "sales")
    http = _client(api_server, (sales["username"], sales["password"]))
    with contextlib.closing(http):
        assert http.get("/kpis/summary").status_code == 403
