"""KPI page: the headline is the as-of month, from the API's aggregates of the period."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal

import httpx
from streamlit.testing.v1 import AppTest

from dashboard.aggregate import month_name, months_back
from dashboard.i18n import format_amount


def test_months_back_counts_the_as_of_month() -> None:
    assert months_back(date(2026, 11, 28), 24) == "2024-12"
    assert months_back(date(2026, 1, 5), 1) == "2026-01"
    assert months_back(date(2026, 1, 5), 13) == "2025-01"
    assert month_name("2026-11-01", "fr") == "11/2026"
    assert month_name("2026-11-01", "en") == "2026-11"


def test_kpi_page_headline_is_the_as_of_month(
    api_server: str, admin_token: str, signed_in_app: Callable[..., AppTest]
) -> None:
    with httpx.Client(base_url=f"{api_server}/api/v1", timeout=120) as http:
        http.headers["Authorization"] = f"Bearer {admin_token}"
        summary = http.get("/kpis/summary").json()
    as_of = date.fromisoformat(summary["as_of"])
    head = summary["months"][-1]
    app = signed_in_app("kpis", "fr")
    app.run()
    assert not app.exception, app.exception
    month = f"{as_of.month:02d}/{as_of.year}"
    assert any(c.value.startswith(f"Mois de référence : {month}") for c in app.caption)
    metrics = _cards(app)
    expected = format_amount(Decimal(head["revenue_amount"]), "fr", decimals=0)
    assert metrics["Chiffre d'affaires"] == expected
    assert metrics["DSO (jours)"] != "—" and metrics["Part échue"] != "—"


CARD = re.compile(
    r'c360CardLabel">(?P<label>[^<]*)</div><div class="c360-card-value" '
    r'data-testid="c360CardValue">(?P<value>[^<]*)</div>'
)


def _cards(app: AppTest) -> dict[str, str]:
    """The headline cards (one HTML grid) as label → value."""
    bodies = [h.proto.body for h in app.get("html") if "c360-cards" in h.proto.body]
    return {
        html.unescape(m["label"]): html.unescape(m["value"])
        for body in bodies
        for m in CARD.finditer(body)
    }
