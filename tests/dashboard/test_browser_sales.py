"""Browser: a salesperson's main path — their alerts on the start screen, one opened, and
on the 360° screen the escalated overdue banner above the first card, without scrolling."""

from __future__ import annotations

import re

import browser_steps as steps
import pytest

pytestmark = pytest.mark.e2e
TIMEOUT_MS = 60_000


@pytest.fixture(scope="module")
def sales_user(request: pytest.FixtureRequest) -> tuple[str, str]:
    built = request.getfixturevalue("built_demo")
    for u in getattr(built, "truth", {}).get("users") or []:
        if u.get("role") == "sales":
            return str(u["username"]), str(u["password"])
    pytest.skip("the demo has no sales user")


def test_salesperson_sees_the_alert_before_the_cards(
    api_server: str,
    dashboard_server: str,
    chromium_path: str,
    chromium_args: list[str],
    sales_user: tuple[str, str],
) -> None:
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=chromium_args)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="fr-FR")
            page.set_default_timeout(TIMEOUT_MS)
            steps.sign_in(page, dashboard_server, sales_user)

            # the start screen lists the salesperson's alerts; open the first customer
            expect(page.get_by_role("heading", name="Alertes sur mes clients")).to_be_visible()
            page.get_by_role("combobox", name=re.compile("Ouvrir la fiche client")).last.click()
            page.get_by_role("option").first.click()

            banner = page.get_by_test_id("stAlert").filter(has_text="en retard").first
            expect(banner).to_be_visible()
            card = page.get_by_test_id("c360Card").first
            expect(card).to_be_visible()
            banner_box, card_box = banner.bounding_box(), card.bounding_box()
            assert banner_box and card_box
            assert banner_box["y"] < card_box["y"]
            assert banner_box["y"] + banner_box["height"] <= 900, "alert below the fold"
            # amounts in the banner are formatted the French way, never "12345.67 EUR"
            text = banner.inner_text()
            assert re.search(r"\d,\d\d\u00a0€", text), text
            assert not re.search(r"\d\.\d\d ?EUR", text), text
            # the relationship line: last and next activity, open tickets and quotes, and
            # payment behaviour, each with the API's value (never "not provided")
            for label in (
                "Dernière activité",
                "Prochaine activité",
                "Tickets ouverts",
                "Devis ouverts",
                "Paiements (12 mois)",
            ):
                expect(page.get_by_text(label, exact=False).first).to_be_visible()
            expect(page.get_by_text("non fourni par l'API")).to_have_count(0)
            # no technical source id in the tables unless asked
            expect(page.get_by_text(re.compile(r"__export__"))).to_have_count(0)
        finally:
            browser.close()
