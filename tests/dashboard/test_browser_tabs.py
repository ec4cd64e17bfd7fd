"""Browser (Debian chromium): the lazy tabs an admin opens on the 360° screen, the KPI page
and the quality page are drawn when clicked; the as-of date stands next to the build
time; runs are tables, not JSON."""

from __future__ import annotations

import re
from typing import Any

import browser_steps as steps
import httpx
import pytest

pytestmark = pytest.mark.e2e
TIMEOUT_MS = 60_000


def _pick_customer(api_url: str, user: tuple[str, str]) -> dict[str, Any]:
    """Through the API, an overdue customer whose name search finds only it."""
    with httpx.Client(base_url=f"{api_url}/api/v1", timeout=30) as http:
        token = http.post("/auth/token", data={"username": user[0], "password": user[1]})
        http.headers["Authorization"] = f"Bearer {token.json()['access_token']}"
        for c in http.get("/customers", params={"has_overdue": "true", "limit": 50}).json()["data"]:
            same = http.get("/customers", params={"q": c.get("name") or "", "limit": 5}).json()
            if c.get("name") and len(same["data"]) == 1:
                return dict(c)
    pytest.fail("no overdue customer with a unique name in the demo warehouse")


def test_admin_opens_each_lazy_tab(
    api_server: str,
    dashboard_server: str,
    chromium_path: str,
    chromium_args: list[str],
    e2e_user: tuple[str, str],
) -> None:
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)
    profile = _pick_customer(api_server, e2e_user)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=chromium_args)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="fr-FR")
            page.set_default_timeout(TIMEOUT_MS)
            steps.sign_in(page, dashboard_server, e2e_user)
            steps.search(page, profile["name"])  # a single hit: its 360° screen opens at once

            # 360°: build time and as-of date in one phrase; no chart until its tab opens
            data = page.get_by_text(re.compile(r"^Données du .+ ; retards calculés au \d\d/"))
            expect(data.first).to_be_visible()
            expect(
                page.get_by_text(re.compile(r"Dernière activité : .+ — Prochaine"))
            ).to_be_visible()
            expect(page.get_by_test_id("stPlotlyChart")).to_have_count(0)
            page.get_by_role("tab", name="Graphiques").click()
            expect(page.get_by_test_id("stPlotlyChart").first).to_be_visible()
            page.get_by_role("tab", name="Fiches sources").click()
            expect(page.get_by_test_id("stExpander").first).to_be_visible()
            expect(page.get_by_test_id("stPlotlyChart")).to_have_count(0)

            # KPIs: the collections tab says DSO at the as-of date (one build in the demo)
            page.get_by_test_id("stSidebarNav").get_by_text("Indicateurs", exact=True).click()
            # month lines are SVG images (no chart library on the page's first view)
            expect(page.locator(".c360-chart img").first).to_be_visible()
            expect(page.get_by_test_id("stVegaLiteChart")).to_have_count(0)
            page.get_by_role("tab", name="Encaissement").click()
            dso = page.get_by_test_id("stMetricLabel").filter(has_text=re.compile(r"^DSO.* au "))
            expect(dso.first).to_be_visible()

            # quality: a check opens its records (or says the API lists none); runs as tables
            page.get_by_test_id("stSidebarNav").get_by_text("Qualité des données").click()
            expect(
                page.get_by_role("combobox", name=re.compile("Voir les constats"))
            ).to_be_visible()
            findings = page.locator('[data-table^="findings_"]')
            expect(findings.locator("th").filter(has_text="Constat")).to_be_visible()
            page.get_by_role("tab", name="Exécutions").click()
            expect(page.get_by_test_id("stDataFrame").first).to_be_visible()
            expect(page.get_by_test_id("stJson")).to_have_count(0)
        finally:
            browser.close()
