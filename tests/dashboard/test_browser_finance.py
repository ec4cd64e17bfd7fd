"""Browser: finance's main path — the whole overdue worklist, a customer of its page
opening the customer's 360° screen, and the XLSX export of what is filtered."""

from __future__ import annotations

import io
import re
from typing import Any

import browser_steps as steps
import httpx
import pytest

pytestmark = pytest.mark.e2e
TIMEOUT_MS = 60_000


@pytest.fixture(scope="module")
def finance_user(request: pytest.FixtureRequest) -> tuple[str, str]:
    built = request.getfixturevalue("built_demo")
    users = getattr(built, "truth", {}).get("users") or []
    for u in users:
        if u.get("role") == "finance":
            return str(u["username"]), str(u["password"])
    pytest.skip("the demo has no finance user")


def _top_overdue(api_url: str, user: tuple[str, str]) -> tuple[int, dict[str, Any]]:
    with httpx.Client(base_url=f"{api_url}/api/v1", timeout=60) as http:
        token = http.post("/auth/token", data={"username": user[0], "password": user[1]})
        token.raise_for_status()
        http.headers["Authorization"] = f"Bearer {token.json()['access_token']}"
        page = http.get("/receivables/overdue", params={"limit": 1}).json()
        return int(page["count"]), page["data"][0]


def test_finance_worklist_opens_a_customer_and_exports(
    api_server: str,
    dashboard_server: str,
    chromium_path: str,
    chromium_args: list[str],
    finance_user: tuple[str, str],
) -> None:
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)

    count, top = _top_overdue(api_server, finance_user)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=chromium_args)
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 1000}, locale="fr-FR")
            page.set_default_timeout(TIMEOUT_MS)
            steps.sign_in(page, dashboard_server, finance_user)
            page.get_by_test_id("stSidebarNav").get_by_text("Encours clients", exact=True).click()

            # the whole list, not a first page
            expect(page.get_by_text(f"{count} client(s) affiché(s)", exact=False)).to_be_visible()
            expect(
                page.get_by_text(
                    re.compile(r"^Données du .+ ; retards calculés au \d\d/\d\d/\d{4}$")
                )
            ).to_be_visible()

            # the export holds what is shown
            with page.expect_download() as download:
                page.get_by_role("button", name=re.compile("Exporter en XLSX")).click()
            assert download.value.suggested_filename.endswith(".xlsx")
            from openpyxl import load_workbook

            sheet = load_workbook(io.BytesIO(download.value.path().read_bytes())).active
            assert sheet.max_row == 1 + count

            # a customer of the page opens its 360° (largest overdue first: the API's top
            # row, the first of the list's first page, drawn as one HTML table)
            table = page.locator('[data-table="worklist"]')
            expect(table.locator("tbody tr").first).to_contain_text(top["name"])
            page.get_by_role("combobox", name=re.compile("Ouvrir la fiche 360°")).click()
            page.get_by_role("option").filter(has_text=top["name"]).first.click()
            expect(page.get_by_role("heading", name=top["name"]).first).to_be_visible()
            expect(
                page.get_by_test_id("stAlert").filter(has_text="en retard").first
            ).to_be_visible()
        finally:
            browser.close()
