"""Browser: the morning digest's HTML part (issue 15), rendered by chromium as a mail
client would show it: one row per item with the customer's link, amounts in the reader's
locale, nothing loaded from anywhere (a mail client blocks remote content)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from warehouse.digest.render import Digest, DigestLine, html_body, subject

pytestmark = pytest.mark.e2e
BASE = "https://c360.example.com"
LINES = [
    DigestLine(
        "C0000001",
        "Marchand & Fils",
        "EUR",
        "credit_limit_exceeded",
        Decimal("3200.00"),
        None,
        None,
        58,
    ),
    DigestLine(
        "C0000001",
        "Marchand & Fils",
        "EUR",
        "overdue",
        Decimal("2000.00"),
        Decimal("12000.00"),
        None,
        58,
    ),
    DigestLine(
        "C0000002",
        "Boulangerie <Durand>",
        "EUR",
        "balance_jump",
        Decimal("2300.45"),
        Decimal("300.45"),
        None,
        0,
    ),
]


@pytest.mark.parametrize(
    ("lang", "cells"),
    [
        (
            "fr",
            [
                [
                    "Marchand & Fils",
                    "Plafond de crédit dépassé",
                    "3\u202f200,00\u00a0€ au-dessus du plafond",
                ],
                [
                    "Marchand & Fils",
                    "Retard de paiement",
                    "2\u202f000,00\u00a0€ en retard (le plus ancien : 58 j) (était 12\u202f000,00\u00a0€)",
                ],
                [
                    "Boulangerie <Durand>",
                    "Hausse de l'encours",
                    "encours passé de 300,45\u00a0€ à 2\u202f300,45\u00a0€",
                ],
            ],
        ),
        (
            "en",
            [
                ["Marchand & Fils", "Credit limit exceeded", "€3,200.00 over the credit limit"],
                [
                    "Marchand & Fils",
                    "Overdue",
                    "€2,000.00 overdue (oldest 58 days) (was €12,000.00)",
                ],
                [
                    "Boulangerie <Durand>",
                    "Balance jump",
                    "outstanding rose from €300.45 to €2,300.45",
                ],
            ],
        ),
    ],
)
def test_digest_html_in_the_browser(
    lang: str, cells: list[list[str]], tmp_path: Path, chromium_path: str, chromium_args: list[str]
) -> None:
    from playwright.sync_api import Route, sync_playwright

    digest = Digest(LINES, more=2)  # two more lines past digest.max_lines
    title = subject(digest, lang, date(2026, 11, 28))
    page_file = tmp_path / "digest.html"
    page_file.write_text(html_body(digest, lang, "Alice Martin", BASE, title), encoding="utf-8")
    remote: list[str] = []

    def guard(route: Route) -> None:
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            remote.append(route.request.url)
            route.abort()

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=chromium_args)
        try:
            page = browser.new_page()
            page.route("**/*", guard)
            page.goto(page_file.as_uri())
            assert page.title() == title
            rows = page.locator("tbody tr")
            assert rows.count() == 3
            shown = [
                [cell.strip() for cell in rows.nth(i).locator("td").all_inner_texts()]
                for i in range(3)
            ]
            links = page.locator("tbody a")
            hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
            intro = page.locator("p").first.inner_text()
            more = page.locator("p a")
            more_href, more_text = more.get_attribute("href"), more.inner_text()
            assert page.locator("html").get_attribute("lang") == lang
        finally:
            browser.close()
    assert shown == cells
    assert hrefs == [
        f"{BASE}/customers?customer=C0000001",
        f"{BASE}/customers?customer=C0000001",
        f"{BASE}/customers?customer=C0000002",
    ]
    assert "Alice Martin" in intro
    assert more_href == f"{BASE}/customers"
    assert ("et 2 autre(s)" if lang == "fr" else "and 2 more") in more_text
    assert ("5 alerte(s)" if lang == "fr" else "5 alert(s)") in title
    assert remote == []
