"""Lazy tabs on the 360° screen and the KPI page, against the real API on the demo: only
the open tab is drawn, every tab draws without error, the first view has no plotly
figure; the relationship line says "none" or "not provided", never nothing; DSO with one
measured month is a labelled value, not a one-point chart."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import httpx
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.aggregate import measured_months
from dashboard.profile import relationship
from dashboard.profile_tabs import TABS
from dashboard.strings import STRINGS


def _login(api_server: str, token: str) -> tuple[str, httpx.Client]:
    http = httpx.Client(base_url=f"{api_server}/api/v1", timeout=120)
    http.headers["Authorization"] = f"Bearer {token}"
    return token, http


def _plotly(at: AppTest) -> list[Any]:
    return list(at.get("plotly_chart"))


def test_relationship_facts_are_never_blank() -> None:
    cur = "EUR"
    # fields absent from the API answer: said so; present but empty: "none"
    absent = dict(relationship({}, "fr", cur))
    assert absent["Prochaine activité"] == "non fourni par l'API"
    empty = {"last_activity_date": None, "next_activity_date": None, "open_ticket_count": 0,
             "open_quote_count": 0}  # fmt: skip
    shown = dict(
        relationship({"relationship": {**empty, "median_days_to_pay_12m": None}}, "en", cur)
    )
    assert shown == {
        "Last activity": "no activity recorded",
        "Next activity": "nothing planned",
        "Open tickets": "no open ticket",
        "Open quotes": "no open quote",
        "Payments (12 months)": "no invoice settled in 12 months",
    }
    full = {
        "next_activity_date": "2026-12-02", "next_activity_kind": "meeting",
        "next_activity_subject": "Revue annuelle", "open_ticket_count": 2,
        "oldest_open_ticket_date": "2026-11-02", "open_ticket_top_priority": "high",
        "open_quote_count": 1, "open_quotes_amount": "12400.00", "oldest_open_quote_days": 40,
    }  # fmt: skip
    facts = dict(relationship(full, "fr", cur))
    assert facts["Prochaine activité"] == "02/12/2026 · meeting · Revue annuelle"
    assert (
        facts["Tickets ouverts"] == "2 ticket(s) ouvert(s) · le plus ancien du 02/11/2026 · Élevée"
    )
    assert facts["Devis ouverts"] == "1 devis, 12\u202f400,00\u00a0€ · le plus ancien a 40 j"
    paying = {"paid_invoice_count_12m": 7, "median_days_to_pay_12m": "41.5",
              "on_time_rate_12m": "0.7143", "days_to_pay_trend": "slower"}  # fmt: skip
    assert dict(relationship({"relationship": paying}, "fr", cur))["Paiements (12 mois)"] == (
        "paie en 41,5 jours (médiane), 71,4\u202f% à l'heure, 7 facture(s) · plus lentement qu'avant"
    )


def test_360_first_view_draws_one_tab_and_no_plotly(
    api_server: str, admin_token: str, signed_in_app: Callable[..., AppTest]
) -> None:
    token, http = _login(api_server, admin_token)
    cid = http.get("/receivables/overdue", params={"limit": 1}).json()["data"][0]
    items = http.get(f"/customers/{cid['customer_id']}/open-items").json()
    http.close()
    at = signed_in_app()
    at.session_state["c360_customer"] = cid["customer_id"]
    at.run()
    assert not at.exception, at.exception
    assert not _plotly(at)  # the charts wait for their tab
    assert [t.label for t in at.tabs] == [STRINGS[n]["fr"] for n in TABS]
    # only the open items' tab is drawn, as one HTML table (no data grid on a first view)
    assert not at.dataframe
    [table] = [h.proto.body for h in at.get("html") if 'data-table="open_items"' in h.proto.body]
    assert table.count("<tr>") - 1 == items["count"]
    labels = [m.value for m in at.markdown if m.value.startswith("**Dernière activité** : ")]
    # last_activity_date is in every profile: a date or "none", never "not provided"
    assert labels and "non fourni" not in labels[0].split(" — ")[0]


@pytest.mark.parametrize("tab", [n for n in TABS if n != "tab_open_items"])
def test_every_360_tab_draws_against_the_real_api(
    api_server: str, admin_token: str, signed_in_app: Callable[..., AppTest], tab: str
) -> None:
    token, http = _login(api_server, admin_token)
    cid = http.get("/receivables/overdue", params={"limit": 1}).json()["data"][0]
    http.close()
    at = signed_in_app()
    at.session_state["c360_customer"] = cid["customer_id"]
    at.session_state["p360_tab"] = STRINGS[tab]["fr"]
    at.run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    if tab == "tab_charts":
        assert len(_plotly(at)) >= 3  # aging, credit use, revenue (+ days late)
    else:
        assert not _plotly(at)


def test_kpi_collections_with_one_measured_month_is_a_labelled_value(
    api_server: str, admin_token: str, signed_in_app: Callable[..., AppTest]
) -> None:
    token, http = _login(api_server, admin_token)
    summary = http.get("/kpis/summary").json()
    http.close()
    as_of = date.fromisoformat(summary["as_of"])
    measured = measured_months(summary["months"], "dso_days")
    at = signed_in_app()
    at.session_state["kpi_tab"] = "Encaissement"
    at.switch_page("app_pages/kpis.py")
    at.run()
    assert not at.exception, at.exception
    charts = _lines(at)
    labels = [m.label for m in at.metric]
    if len(measured) > 1:
        assert len(charts) == 2
    else:  # the demo has one build: a value at the as-of date, no one-point line
        assert not charts
        assert f"DSO (jours) au {as_of:%d/%m/%Y}" in labels
        assert any("Un seul point" in c.value for c in at.caption)
    # the element type counted above is the one the revenue tab draws its two lines with
    at.session_state["kpi_tab"] = "Chiffre d'affaires"
    at.run()
    assert len(_lines(at)) == 2 and not _plotly(at)


def _lines(at: AppTest) -> list[str]:
    """The month lines drawn (charts.lines_html: SVG images, no chart library)."""
    return [
        h.proto.body for h in at.get("html") if h.proto.body.startswith('<div class="c360-chart"')
    ]
