"""Vendor specifics of the Odoo connector: JSON-2 and JSON-RPC, field flattening."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from connector_harness import Harness, read_pages
from fake_odoo import LOGIN
from fakes_common import BASE

from ingest.connectors import ConnectorAuthError, ConnectorConfigError, ConnectorRequestError

RPC = {"protocol": "jsonrpc", "login": LOGIN, "watermark_margin_minutes": 0}


def test_odoo_json2_default_objects_flattened(odoo: Harness, tmp_path: Path) -> None:
    result = odoo.fetch(tmp_path)
    # account.move: only customer invoices by default (every 4th fake move is a bill).
    assert {k: result.records[k] for k in ("res.partner", "sale.order", "account.move")} == {
        "res.partner": 250,
        "sale.order": 32,  # 30 orders and 2 quotations (fake_odoo.build_relationship)
        "account.move": 30,
    }
    partners = [r for page in read_pages(tmp_path, "res.partner") for r in page]
    first, tenth, fiftieth = partners[0], partners[9], partners[49]
    assert first["country_id"] == 75 and first["country_id__name"] == "France"
    assert tenth["country_id"] is None and tenth["country_id__name"] is None
    assert first["parent_id"] is None and first["vat"] is None  # Odoo false → null
    assert first["category_id"] == "1;2" and tenth["category_id"] == ""
    assert first["is_company"] is True and fiftieth["active"] is False  # archived, kept
    assert "mobile" not in first  # unknown to this server: skipped, not an error
    order = read_pages(tmp_path, "sale.order")[0][0]
    assert order["partner_id"] == 1 and order["partner_id__name"] == "Partner 1"
    call = odoo.fake.requests[1]
    assert call.path == "/json/2/res.partner/search_read"
    assert call.headers["authorization"] == f"bearer {odoo.fake.token}"
    assert call.headers["x-odoo-database"] == "c360-test"
    body = json.loads(call.body)
    # Keyset paging: `id > last id read`, never an offset.
    assert (body["limit"], body["order"], body["domain"]) == (100, "id", [["id", ">", 0]])
    assert "offset" not in body
    assert body["context"] == {"active_test": False}
    assert json.loads(odoo.fake.requests[2].body)["domain"] == [["id", ">", 100]]


def test_odoo_json2_unknown_field_is_a_422_request_error(odoo: Harness, tmp_path: Path) -> None:
    with pytest.raises(ConnectorRequestError, match=r"\(422\): Invalid field 'x_siret'"):
        odoo.fetch(
            tmp_path,
            objects=["res.partner"],
            options={"domains": {"res.partner": [["x_siret", "!=", False]]}},
        )


def test_odoo_json2_wrong_key(odoo: Harness, tmp_path: Path) -> None:
    with pytest.raises(
        ConnectorAuthError,
        match=r"Odoo refused the token in ODOO_API_KEY "
        r"\(401\): Invalid apikey",
    ):
        odoo.fetch(tmp_path, env={"ODOO_API_KEY": "nope"})


def test_odoo_jsonrpc_full_and_incremental(odoo: Harness, tmp_path: Path) -> None:
    full = odoo.fetch(tmp_path / "full", objects=["res.partner"], options=RPC)
    assert full.records == {"res.partner": 250}
    calls = [json.loads(r.body)["params"] for r in odoo.fake.requests]
    assert [c["method"] for c in calls[:3]] == ["authenticate", "execute_kw", "execute_kw"]
    assert sum(c["method"] == "authenticate" for c in calls) == 1
    assert calls[2]["args"][3:5] == ["res.partner", "search_read"]
    since = BASE + timedelta(minutes=240)
    incr = odoo.fetch(tmp_path / "incr", watermark=since, objects=["res.partner"], options=RPC)
    ids = [r["id"] for page in read_pages(tmp_path / "incr", "res.partner") for r in page]
    assert ids == list(range(240, 251))
    assert incr.watermark == BASE + timedelta(minutes=250)
    domain = json.loads(odoo.fake.requests[-1].body)["params"]["args"][5][0]
    assert domain == [["write_date", ">=", "2026-11-01 04:00:00"], ["id", ">", 0]]


def test_odoo_jsonrpc_bad_login(odoo: Harness, tmp_path: Path) -> None:
    options = {**RPC, "login": "someone@example.com"}
    with pytest.raises(ConnectorAuthError, match="refused the login 'someone@example.com'"):
        odoo.fetch(tmp_path, options=options)


def test_odoo_jsonrpc_error_envelope(odoo: Harness, tmp_path: Path) -> None:
    options = {
        **RPC,
        "fields": {"sale.order": ["id", "name"]},
        "domains": {"sale.order": [["nonexistent", "=", 1]]},
    }
    with pytest.raises(
        ConnectorRequestError,
        match=r"object\.execute_kw failed: Invalid field "
        r"'nonexistent' on model 'sale.order' \[builtins.ValueError\]",
    ):
        odoo.fetch(tmp_path, objects=["sale.order"], options=options)


def test_odoo_jsonrpc_needs_login(odoo: Harness, tmp_path: Path) -> None:
    with pytest.raises(ConnectorConfigError, match="options.login"):
        odoo.fetch(tmp_path, options={"protocol": "jsonrpc"})
