"""Browser: a full visit of every page loads nothing from a host other than the dashboard.

Every request chromium makes is recorded; requests to any other host are aborted (so the
pages are also shown to work offline) and listed in the failure message.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import browser_steps as steps
import pytest

pytestmark = pytest.mark.e2e
TIMEOUT_MS = 60_000
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}


def test_no_request_leaves_the_dashboard_host(
    api_server: str,
    dashboard_server: str,
    chromium_path: str,
    chromium_args: list[str],
    e2e_user: tuple[str, str],
) -> None:
    from playwright.sync_api import Route, expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)

    requested: list[str] = []
    foreign: list[str] = []

    def guard(route: Route) -> None:
        url = route.request.url
        requested.append(url)
        scheme = urlsplit(url).scheme
        host = urlsplit(url).hostname or ""
        if scheme in ("data", "blob") or host in LOCAL_HOSTS:
            route.continue_()
        else:
            foreign.append(url)
            route.abort()

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=chromium_args)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="fr-FR")
            page.set_default_timeout(TIMEOUT_MS)
            page.route("**/*", guard)
            steps.sign_in(page, dashboard_server, e2e_user)
            expect(page.get_by_label(re.compile("Rechercher un client"))).to_be_visible()
            # a 360° screen, opened from the overdue filter's picker
            page.get_by_text("En retard", exact=True).click()
            page.get_by_role("combobox", name=re.compile("Ouvrir la fiche client")).click()
            page.get_by_role("option").first.click()
            expect(page.get_by_test_id("c360Card").first).to_be_visible()
            page.wait_for_load_state("networkidle")
            for title in ("Encours clients", "Indicateurs", "Qualité des données"):
                page.get_by_test_id("stSidebarNav").get_by_text(title, exact=True).click()
                expect(page.get_by_role("heading", name=title).first).to_be_visible()
                page.wait_for_load_state("networkidle")
        finally:
            browser.close()

    assert requested, "no request was recorded: the guard is not in place"
    assert not foreign, "requests to third-party hosts:\n" + "\n".join(sorted(set(foreign)))
