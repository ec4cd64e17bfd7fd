"""POST /inbound/{source} checked at the door: what the night would refuse gets a 422.

The app is built as `c360 api` builds it, with ingest's PushChecker injected. Every bad
push gets the API's error shape with a reason a person can act on, no engine text, and
leaves nothing behind (no landed file, no receipt): the same Idempotency-Key then takes
the corrected push.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api import store
from api.main import create_app
from ingest.push_check import PushChecker
from kernel.settings import Settings

CRM = "/api/v1/inbound/crm"
ERP = "/api/v1/inbound/erp"
COMPANY = {"id": "1001", "name": "ACME SAS", "domain": "acme.fr", "zip": "69003"}
MOVE = {
    "id": "7",
    "name": "INV/7",
    "move_type": "out_invoice",
    "partner_id": "12",
    "amount_total": "120.00",
    "amount_residual": "0",
}
ENGINE_WORDS = ("Binder", "Catalog", "Parser", "duckdb", "Traceback", "Conversion Error")


@pytest.fixture
def checked(settings: Settings, users: dict[str, str]) -> Iterator[TestClient]:
    with TestClient(create_app(settings, check_push=PushChecker(settings))) as client:
        yield client
    store.dispose_engines()


def _headers(
    api_key: str, key: str = "zap-1", content_type: str = "application/json"
) -> dict[str, str]:
    return {
        "Authorization": f"Bearer {api_key}",
        "Idempotency-Key": key,
        "Content-Type": content_type,
    }


def _landed(settings: Settings) -> list[Path]:
    return sorted(settings.push_dir.rglob("*.json")) if settings.push_dir.exists() else []


BAD_PUSHES = [
    pytest.param(CRM, b'{"id": "1", "name": ', "not valid JSON", id="bad-json"),
    pytest.param(CRM, b"{}", "Record 1 has no fields", id="empty-object"),
    pytest.param(CRM, b"[]", "The JSON array is empty", id="empty-list"),
    pytest.param(CRM, b'[{"id": "1"}, {}]', "Record 2 has no fields", id="empty-record"),
    pytest.param(CRM, b'[{"id": "1"}, 42]', "item 1 is not", id="not-an-object"),
    pytest.param(CRM, b'"ACME"', "item 0 is not", id="bare-string"),
    pytest.param(
        CRM,
        b'{"foo": 1, "bar": "x"}',
        "not recognised as a HubSpot extract; expected the header of one of: "
        "customer (Record ID, Company name | hs_object_id, name, domain | id, name, domain)",
        id="unknown-object",
    ),
    pytest.param(
        CRM,
        json.dumps([{**COMPANY, "name": {"legal": "ACME", "trade": "Acme"}}]).encode(),
        "record 1: name is an object, expected a single value",
        id="nested-object",
    ),
    pytest.param(
        CRM,
        json.dumps([COMPANY, {**COMPANY, "id": "1002", "domain": ["a.fr", "b.fr"]}]).encode(),
        "record 2: domain is a list, expected a single value",
        id="list-value",
    ),
    pytest.param(
        CRM,
        json.dumps([{"id": "7", "dealname": "Renewal", "amount": "12,50 EUR"}]).encode(),
        "record 1: amount '12,50 EUR' is not a number",
        id="amount-not-a-number",
    ),
    pytest.param(
        CRM,
        json.dumps([{"id": "7", "dealname": "Renewal", "closedate": "2026-02-30"}]).encode(),
        "record 1: close date: date 2026-02-30 does not exist",
        id="impossible-date",
    ),
    pytest.param(
        CRM,
        json.dumps([{**COMPANY, "name": " "}]).encode(),
        "record 1: name is missing",
        id="required-value-blank",
    ),
    pytest.param(
        CRM,
        json.dumps([COMPANY, {**COMPANY, "name": "ACME bis"}]).encode(),
        "records 1, 2 repeat the id 1001",
        id="repeated-id",
    ),
    pytest.param(
        ERP,
        json.dumps(
            [{"id": "7", "name": "INV/7", "move_type": "out_invoice", "amount_residual": "12"}]
        ).encode(),
        "looks like account.move but lacks required columns: customer_source_id "
        "(one of: partner_id/id, partner_id); amount_incl_tax (one of: amount_total)",
        id="missing-required-columns",
    ),
    pytest.param(
        ERP,
        json.dumps([{**MOVE, "amount_total": "-120.00"}]).encode(),
        "record 1: amount incl tax -120.00 is negative",
        id="negative-amount",
    ),
    pytest.param(
        ERP,
        json.dumps([{**MOVE, "state": "paid-ish"}]).encode(),
        "record 1: status 'paid-ish' is not a known value",
        id="unknown-status",
    ),
]


@pytest.mark.parametrize(("url", "body", "reason"), BAD_PUSHES)
def test_bad_push_refused_at_the_door(
    checked: TestClient, api_key: str, settings: Settings, url: str, body: bytes, reason: str
) -> None:
    resp = checked.post(url, content=body, headers=_headers(api_key))
    assert resp.status_code == 422, resp.text
    answer = resp.json()
    assert set(answer) == {"code", "message"}
    assert answer["code"] == "invalid_payload"
    assert reason in answer["message"]
    assert not any(word.lower() in answer["message"].lower() for word in ENGINE_WORDS)
    assert _landed(settings) == []
    # Nothing kept: the same key takes the corrected push.
    fixed = checked.post(CRM, json=COMPANY, headers=_headers(api_key))
    assert fixed.status_code == 202, fixed.text
    assert len(_landed(settings)) == 1


def test_object_parameter_must_match_the_records(
    checked: TestClient, api_key: str, settings: Settings
) -> None:
    resp = checked.post(f"{CRM}?object=invoice", json=COMPANY, headers=_headers(api_key))
    assert resp.status_code == 422
    assert resp.json()["message"].startswith("The records look like customer, not invoice")
    ok = checked.post(f"{CRM}?object=customer", json=COMPANY, headers=_headers(api_key, "zap-2"))
    assert ok.status_code == 202


def test_form_fields_checked_like_json(
    checked: TestClient, api_key: str, settings: Settings
) -> None:
    form = "application/x-www-form-urlencoded"
    bad = checked.post(
        CRM,
        content="id=1001&name=ACME&domain=acme.fr&address__city=Lyon",
        headers=_headers(api_key, "form-1", form),
    )
    # HubSpot's `address` is the street: a nested address would load as JSON text.
    assert bad.status_code == 422
    assert "record 1: address is an object" in bad.json()["message"]
    good = checked.post(
        CRM,
        content="id=1001&name=ACME&domain=acme.fr&city=Lyon&zip=69003",
        headers=_headers(api_key, "form-2", form),
    )
    assert good.status_code == 202, good.text


def test_good_pushes_accepted(checked: TestClient, api_key: str, settings: Settings) -> None:
    records = [
        COMPANY,
        {"id": 1002, "name": "Beta", "domain": "beta.fr", "siret": "123"},  # invalid SIRET
    ]
    resp = checked.post(CRM, json=records, headers=_headers(api_key))
    assert resp.status_code == 202, resp.text
    deal = {"id": "7", "dealname": "Renewal", "amount": 12.5, "closedate": "2026-12-31"}
    assert checked.post(CRM, json=deal, headers=_headers(api_key, "zap-2")).status_code == 202
    # A deal without company is an orphan for the data-quality page, not a refusal.
    assert len(_landed(settings)) == 2
