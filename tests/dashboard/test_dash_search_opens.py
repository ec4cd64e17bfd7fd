"""Search → 360° in one run, against the real API on the demo: a single hit (or a typed
customer id) opens the 360° screen without a list or picker; "back to search" then lists
that hit instead of reopening it; several hits are listed. The cards are one HTML grid
with the API's amounts formatted the French way."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.i18n import format_amount
from dashboard.profile import cards
from dashboard.widgets import cards_html, table_html


def _unique(api_server: str, token: str) -> dict[str, Any]:
    """An overdue customer whose name search finds only it, as the API profiles it."""
    with httpx.Client(base_url=f"{api_server}/api/v1", timeout=120) as http:
        http.headers["Authorization"] = f"Bearer {token}"
        found = http.get("/customers", params={"has_overdue": "true", "limit": 50}).json()
        for c in found["data"]:
            if (
                c.get("name")
                and http.get("/customers", params={"q": c["name"]}).json()["count"] == 1
            ):
                return dict(http.get(f"/customers/{c['customer_id']}").json())
    pytest.fail("no overdue customer with a unique name in the demo")


def _cards(at: AppTest) -> str:
    return "".join(h.proto.body for h in at.get("html") if "c360-cards" in h.proto.body)


def test_single_hit_opens_the_360_and_back_lists_it(
    api_server: str, admin_token: str, signed_in_app: Callable[..., AppTest]
) -> None:
    profile = _unique(api_server, admin_token)
    at = signed_in_app()
    at.run()
    at.text_input(key="cust_q").input(profile["name"]).run()
    assert not at.exception, at.exception
    assert at.title[0].value == profile["name"]
    assert not at.dataframe and not at.selectbox  # no result list, no picker
    outstanding = format_amount(profile["financial"]["outstanding_amount"], "fr", "EUR")
    assert f">{outstanding}<" in _cards(at).replace("&nbsp;", "\u00a0")
    assert at.query_params["customer"] == profile["customer_id"]

    at.button[0].click().run()  # "back to search": the same search, listed this time
    assert not at.exception, at.exception
    assert not at.title or at.title[0].value != profile["name"]
    assert len(at.dataframe) == 1 and len(at.dataframe[0].value) == 1
    # a new search opens again
    at.text_input(key="cust_q").input(profile["name"][:-1]).run()
    if at.dataframe:  # the shorter name may find others: then it is a list
        assert len(at.dataframe[0].value) > 1
    else:
        assert at.title[0].value == profile["name"]


def test_typed_customer_id_opens_the_360(
    api_server: str, admin_token: str, signed_in_app: Callable[..., AppTest]
) -> None:
    profile = _unique(api_server, admin_token)
    at = signed_in_app()
    at.run()
    at.text_input(key="cust_q").input(profile["customer_id"].lower()).run()
    assert not at.exception, at.exception
    assert at.title[0].value == profile["name"]
    # an id no customer has is searched as text: an explicit empty state, no error
    at.text_input(key="cust_q").input("C9999999").run()
    assert not at.exception and not at.error
    assert at.info and "C9999999" in at.info[0].value


def test_several_hits_are_listed(
    api_server: str, admin_token: str, signed_in_app: Callable[..., AppTest]
) -> None:
    at = signed_in_app()
    at.run()
    at.checkbox(key="cust_overdue").check().run()
    assert not at.exception, at.exception
    assert len(at.dataframe[0].value) > 1 and at.selectbox(key="cust_pick")


def test_cards_and_tables_are_escaped_html() -> None:
    fin = {"outstanding_amount": "1234.5", "credit_utilisation": "0.5"}
    grid = cards_html(cards(fin, "fr", "EUR"))
    assert grid.count('data-testid="c360Card"') == 12
    assert ">1\u202f234,50&nbsp;€<" in grid or ">1\u202f234,50\u00a0€<" in grid
    assert 'title="Utilisation du plafond : 50,0\u202f%"' in grid
    import pandas as pd

    table = table_html(pd.DataFrame({"Réf": ["<b>x</b>"], "Montant": ["1,00 €"]}), {"Montant"})
    assert "&lt;b&gt;x&lt;/b&gt;" in table and '<td class="num">1,00 €</td>' in table
