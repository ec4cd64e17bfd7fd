"""Steps the browser tests share: a signed-in API client to choose a customer with, and
the dashboard's sign-in, name search and opening of a customer from the results."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest

TIMEOUT_MS = 60_000  # first paint of plotly/metric chunks is slow on a loaded CI box


@contextmanager
def api_client(api_url: str, user: tuple[str, str]) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=f"{api_url}/api/v1", timeout=30) as http:
        token = http.post("/auth/token", data={"username": user[0], "password": user[1]})
        token.raise_for_status()
        http.headers["Authorization"] = f"Bearer {token.json()['access_token']}"
        yield http


def unique_overdue_customer(http: httpx.Client) -> dict[str, Any]:
    """An overdue customer (list item) whose name search finds only it, so the browser
    can open it by name."""
    found = http.get("/customers", params={"has_overdue": "true", "limit": 50})
    found.raise_for_status()
    for candidate in found.json()["data"]:
        if not candidate.get("name"):
            continue
        same = http.get("/customers", params={"q": candidate["name"], "limit": 5}).json()
        if len(same["data"]) == 1:
            return dict(candidate)
    pytest.fail("no overdue customer with a unique name in the demo warehouse")


def sign_in(page: Any, dashboard_url: str, user: tuple[str, str]) -> None:
    """The French sign-in form (the dashboard's default language)."""
    page.goto(dashboard_url)
    page.get_by_label("Identifiant").fill(user[0])
    page.get_by_label("Mot de passe").fill(user[1])
    page.get_by_role("button", name="Se connecter").click()


def search(page: Any, name: str) -> None:
    box = page.get_by_label(re.compile("Rechercher un client"))
    box.fill(name)
    box.press("Enter")


def open_from_results(page: Any, name: str) -> None:
    page.get_by_role("combobox", name=re.compile("Ouvrir la fiche client")).click()
    page.get_by_role("option").filter(has_text=name).click()
