"""Dynamics 365 money in its own currency: the connector gives every record with money its
currency's ISO code, as the Web API's `$expand=transactioncurrencyid($select=isocurrencycode)`
returns it. An untracked read asks for the expansion; a change-tracking read may not
(Dataverse refuses `$expand` with `Prefer: odata.track-changes`), so the connector reads the
org's `transactioncurrencies` once and writes the same object. Either way a USD quote lands
in staging in USD with its amounts to the cent, and a quote without a currency lookup takes
the settings' currency.
"""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import parse_qs

import httpx
import pytest
from connector_harness import Harness, read_pages
from fake_dynamics import API, CURRENCIES, guid
from fakes_common import BASE
from relationship_harness import Staged, settings_for, staged_from

from ingest.fetch import save_watermark
from kernel.settings import Settings

EXPAND = "transactioncurrencyid($select=isocurrencycode)"
QUOTE = "source_id, quote_number, status, amount_excl_tax, amount_incl_tax, currency"
# The settings' currency, not EUR, so a quote that took it is told from one read as EUR.
HOME = "CHF"
USD_QUOTE = (
    guid(101),
    "QUO-01001-A1B2",
    "sent",
    Decimal("12000.50"),
    Decimal("14400.60"),
    "USD",
)
BARE_QUOTE = (guid(102), "QUO-01002-C3D4", "draft", Decimal("800.00"), Decimal("960.00"), HOME)


def _settings(tmp_path: Path, h: Harness, **api: object) -> Settings:
    settings = settings_for(tmp_path / "data", h, **api)
    return settings.model_copy(update={"currency": HOME})


def _calls(h: Harness, entity: str) -> list[dict[str, list[str]]]:
    return [parse_qs(r.query) for r in h.fake.requests if r.path.endswith(f"{API}/{entity}")]


def test_an_untracked_read_expands_the_currency(tmp_path: Path, dynamics: Harness) -> None:
    objects = ["quotes", "salesorderdetails", "products"]
    options = {"change_tracking": False}
    with staged_from(
        _settings(tmp_path, dynamics, objects=objects, options=options), dynamics
    ) as staged:
        # Asked of every entity set with money, in the documented form.
        for entity in objects:
            assert [q["$expand"] for q in _calls(dynamics, entity)] == [[EXPAND]]
        assert _calls(dynamics, "transactioncurrencies") == []
        assert staged.by_object()["quote"] == (2, 2, 0, 0)
        assert staged.rows("quote", QUOTE) == [USD_QUOTE, BARE_QUOTE]
        assert staged.rows("order_line", "source_id, amount_excl_tax, currency") == [
            (guid(201), Decimal("4500.00"), "GBP"),
            (guid(202), Decimal("1700.26"), HOME),
        ]
        assert staged.rows("product", "source_id, list_price, currency") == [
            (guid(301), Decimal("1250.0000"), "GBP"),
            (guid(302), Decimal("850.1300"), HOME),
        ]
        usd, bare = _quotes_page(staged)
    # Dataverse's shape: the selected column plus the currency's key; null for no lookup.
    assert usd["transactioncurrencyid"] == {
        "isocurrencycode": "USD",
        "transactioncurrencyid": guid(CURRENCIES["USD"]),
    }
    assert usd["_transactioncurrencyid_value"] == guid(CURRENCIES["USD"])
    assert bare["transactioncurrencyid"] is None


def _quotes_page(staged: Staged) -> list[dict[str, object]]:
    """The first quotes page the fetch wrote."""
    (path,) = [p for p, _ in staged.fetched.files["crm"] if p.name == "page-quotes-00001.json"]
    page: list[dict[str, object]] = json.loads(path.read_text(encoding="utf-8"))
    return page


def test_a_tracked_read_looks_the_currency_up_once(tmp_path: Path, dynamics: Harness) -> None:
    settings = _settings(tmp_path, dynamics)
    with staged_from(settings, dynamics) as staged:
        # Change tracking (the default) takes no $expand: no entity set asked for one, and
        # the org's currencies were read once for all of them.
        assert not any("$expand" in parse_qs(r.query) for r in dynamics.fake.requests)
        assert _calls(dynamics, "transactioncurrencies") == [
            {"$select": ["transactioncurrencyid,isocurrencycode"]}
        ]
        assert staged.rows("quote", QUOTE) == [USD_QUOTE, BARE_QUOTE]
        assert staged.rows("order_line", "source_id, currency") == [
            (guid(201), "GBP"),
            (guid(202), HOME),
        ]
        # Accounts name no currency in the fake: the settings' one.
        assert staged.con.execute(
            "select distinct currency from staging.customer where source = 'crm'"
        ).fetchall() == [(HOME,)]
        usd, bare = _quotes_page(staged)
    assert usd["transactioncurrencyid"] == {
        "isocurrencycode": "USD",
        "transactioncurrencyid": guid(CURRENCIES["USD"]),
    }
    assert bare["transactioncurrencyid"] is None


def test_the_delta_link_read_keeps_the_currency(tmp_path: Path, dynamics: Harness) -> None:
    settings = _settings(tmp_path, dynamics, extract="incremental", objects=["quotes"])
    with staged_from(settings, dynamics) as first:
        save_watermark(
            settings, "crm", first.fetched.watermarks["crm"], first.fetched.cursors["crm"]
        )
    # The USD quote revised to 1 234.56 incl. 205.76 tax; the draft quote deleted.
    dynamics.fake.edit("quotes", 101, 900, totalamount=1234.56, totaltax=205.76)
    dynamics.fake.delete("quotes", 102)
    dynamics.fake.requests.clear()
    with staged_from(settings, dynamics) as second:
        assert any("$deltatoken" in q for q in _calls(dynamics, "quotes"))
        assert second.by_object()["quote"] == (2, 2, 0, 0)
        assert second.rows("quote", QUOTE + ", is_deleted") == [
            (guid(101), "QUO-01001-A1B2", "sent", Decimal("1028.80"), Decimal("1234.56"), "USD",
             False),
            (*BARE_QUOTE, True),  # the tombstone leaves the known row as it was
        ]  # fmt: skip


def test_an_incremental_read_without_a_delta_link_expands(
    tmp_path: Path, dynamics: Harness
) -> None:
    # No link kept (the table does not track changes): `modifiedon` and the expansion.
    result = dynamics.fetch(tmp_path, watermark=BASE + timedelta(minutes=100), objects=["quotes"])
    assert result.records == {"quotes": 2}
    (query,) = _calls(dynamics, "quotes")
    assert "$filter" in query and query["$expand"] == [EXPAND]
    assert read_pages(tmp_path, "quotes")[0][0]["transactioncurrencyid"]["isocurrencycode"] == "USD"


def test_currencies_the_role_may_not_read_leave_the_settings_currency(
    tmp_path: Path, dynamics: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    dynamics.fake.denied = {"transactioncurrencies"}
    caplog.set_level(logging.WARNING)
    with staged_from(_settings(tmp_path, dynamics, objects=["quotes"]), dynamics) as staged:
        assert staged.by_object()["quote"] == (2, 2, 0, 0)
        assert [r[-1] for r in staged.rows("quote", QUOTE)] == [HOME, HOME]
    assert any("transactioncurrencies cannot be read" in r.getMessage() for r in caplog.records)


def test_the_fake_refuses_expand_with_change_tracking(dynamics: Harness) -> None:
    headers = {"Authorization": f"Bearer {dynamics.fake.token}", "Prefer": "odata.track-changes"}
    url = f"{dynamics.url}{API}/quotes"
    refused = httpx.get(url, params={"$select": "quoteid", "$expand": EXPAND}, headers=headers)
    assert refused.status_code == 400
    assert refused.json()["error"]["message"] == (
        'The "$expand" query parameter isn\'t supported when Change Tracking is enabled.'
    )
    del headers["Prefer"]
    answered = httpx.get(url, params={"$select": "quoteid", "$expand": EXPAND}, headers=headers)
    body = answered.json()
    assert body["@odata.context"].endswith(
        "$metadata#quotes(quoteid,transactioncurrencyid(isocurrencycode))"
    )
    assert body["value"][0]["transactioncurrencyid"]["isocurrencycode"] == "USD"
    unknown = httpx.get(url, params={"$expand": "pricelevelid($select=name)"}, headers=headers)
    assert unknown.status_code == 400
    assert "pricelevelid" in unknown.json()["error"]["message"]


def test_the_next_link_keeps_the_expansion(tmp_path: Path, dynamics: Harness) -> None:
    options = {"change_tracking": False}
    result = dynamics.fetch(tmp_path, objects=["quotes"], page_size=1, options=options)
    assert result.records == {"quotes": 2}
    first, second = _calls(dynamics, "quotes")
    assert first["$expand"] == second["$expand"] == [EXPAND] and "$skiptoken" in second
    pages = read_pages(tmp_path, "quotes")
    assert [[r["transactioncurrencyid"] for r in page] for page in pages] == [
        [{"isocurrencycode": "USD", "transactioncurrencyid": guid(CURRENCIES["USD"])}],
        [None],
    ]
