"""Browser end-to-end: real API (uvicorn) + real dashboard (streamlit run) + Debian chromium.

Logs in, searches a customer by name, opens the 360° screen and checks that the
outstanding amount on screen is the API's value formatted the French way.
"""

from __future__ import annotations

import re
from typing import Any

import browser_steps as steps
import pytest

from dashboard.i18n import format_amount

pytestmark = pytest.mark.e2e
TIMEOUT_MS = 60_000  # first paint of plotly/metric chunks is slow on a loaded CI box


def _pick_customer(api_url: str, user: tuple[str, str]) -> dict[str, Any]:
    """Through the API, the profile of an overdue customer whose name search finds only it."""
    with steps.api_client(api_url, user) as http:
        candidate = steps.unique_overdue_customer(http)
        profile = http.get(f"/customers/{candidate['customer_id']}")
        profile.raise_for_status()
        return dict(profile.json())


def test_login_search_and_open_360(
    api_server: str,
    dashboard_server: str,
    chromium_path: str,
    chromium_args: list[str],
    e2e_user: tuple[str, str],
) -> None:
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)

    profile = _pick_customer(api_server, e2e_user)
    name = profile["name"]
    currency = (profile.get("terms") or {}).get("currency") or "EUR"
    expected = format_amount(profile["financial"]["outstanding_amount"], "fr", currency)
    unallocated = format_amount(profile["financial"]["unallocated_cash_amount"], "fr", currency)

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=chromium_args)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="fr-FR")
            page.set_default_timeout(TIMEOUT_MS)
            steps.sign_in(page, dashboard_server, e2e_user)

            steps.search(page, name)

            # a single hit opens its 360° screen at once: title, then the outstanding card
            expect(page.get_by_role("heading", name=name).first).to_be_visible(timeout=TIMEOUT_MS)
            metric = page.get_by_test_id("c360Card").filter(
                has=page.get_by_test_id("c360CardLabel").filter(has_text=re.compile("^Encours$"))
            )
            value = metric.get_by_test_id("c360CardValue")
            expect(value).to_have_text(expected, timeout=TIMEOUT_MS)
            cash = page.get_by_test_id("c360Card").filter(
                has=page.get_by_test_id("c360CardLabel").filter(
                    has_text=re.compile("^Encaissements non lettrés$")
                )
            )
            expect(cash.get_by_test_id("c360CardValue")).to_have_text(unallocated)

            # the overdue alert banner is drawn above the first card, without scrolling
            banner = page.get_by_test_id("stAlert").filter(has_text="en retard").first
            expect(banner).to_be_visible()
            banner_box = banner.bounding_box()
            card_box = page.get_by_test_id("c360Card").first.bounding_box()
            assert banner_box and card_box and banner_box["y"] < card_box["y"]
            assert banner_box["y"] < 1000, "the alert must be visible without scrolling"
            page.get_by_text(re.compile(r"retards calculés au \d\d/\d\d/\d{4}")).first.wait_for()

            # the one-page brief downloads as a PDF
            with page.expect_download() as download:
                page.get_by_role("button", name=re.compile("Fiche PDF")).click()
            path = download.value.path()
            assert download.value.suggested_filename.endswith(".pdf")
            with open(path, "rb") as pdf:
                assert pdf.read(5) == b"%PDF-"
            page.screenshot(path="/tmp/c360-dashboard-e2e.png", full_page=True)
        finally:
            browser.close()
