"""POST /inbound/{source}: pushes from Zapier, Make and Workato."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api import inbound, store
from api.inbound import unflatten
from kernel.settings import Settings

Auth = Callable[[str], dict[str, str]]
URL = "/api/v1/inbound/crm"


def _key_headers(api_key: str, idem: str | None = "zap-1001-2026-11-28") -> dict[str, str]:
    headers = {"Authorization": f"Bearer {api_key}"}
    if idem is not None:
        headers["Idempotency-Key"] = idem
    return headers


def _landed(settings: Settings, source: str = "crm") -> list[Path]:
    folder = settings.data_dir / "inbox_push" / source
    return sorted(folder.glob("*.json")) if folder.exists() else []


def test_object_is_landed_before_202(client: TestClient, api_key: str, settings: Settings) -> None:
    resp = client.post(URL, json={"id": "1001", "name": "ACME"}, headers=_key_headers(api_key))
    assert resp.status_code == 202
    assert resp.json() == {
        "status": "accepted",
        "records": 1,
        "idempotency_key": "zap-1001-2026-11-28",
    }
    [landed] = _landed(settings)
    envelope = json.loads(landed.read_text(encoding="utf-8"))
    assert envelope["records"] == [{"id": "1001", "name": "ACME"}]
    assert envelope["source"] == "crm"
    assert envelope["idempotency_key"] == "zap-1001-2026-11-28"
    assert not list(landed.parent.glob(".*.tmp"))


def test_array_of_objects(client: TestClient, api_key: str, settings: Settings) -> None:
    records = [{"id": str(i), "amount": "12.50"} for i in range(3)]
    resp = client.post(f"{URL}?object=invoice", json=records, headers=_key_headers(api_key))
    assert resp.status_code == 202
    assert resp.json()["records"] == 3
    envelope = json.loads(_landed(settings)[0].read_text(encoding="utf-8"))
    assert envelope["records"] == records
    assert envelope["object"] == "invoice"


def test_form_encoded_flattened_keys(client: TestClient, api_key: str, settings: Settings) -> None:
    resp = client.post(
        URL,
        content="id=1001&name=Caf%C3%A9+Dupont&address__city=Lyon&address__postcode=69003&tag=a&tag=b",
        headers={**_key_headers(api_key), "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert resp.status_code == 202, resp.text
    envelope = json.loads(_landed(settings)[0].read_text(encoding="utf-8"))
    assert envelope["records"] == [
        {
            "id": "1001",
            "name": "Café Dupont",
            "address": {"city": "Lyon", "postcode": "69003"},
            "tag": ["a", "b"],
        }
    ]


def test_replay_returns_first_answer(client: TestClient, api_key: str, settings: Settings) -> None:
    headers = _key_headers(api_key, "make-77")
    first = client.post(URL, json=[{"id": "1"}, {"id": "2"}], headers=headers)
    again = client.post(URL, json=[{"id": "1"}, {"id": "2"}], headers=headers)
    assert first.status_code == again.status_code == 202
    assert again.json() == first.json()
    assert len(_landed(settings)) == 1
    other = client.post(URL, json={"id": "3"}, headers=headers)
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused"
    # The same key for another source is another push.
    resp = client.post("/api/v1/inbound/erp", json={"id": "1"}, headers=headers)
    assert resp.status_code == 202
    assert len(_landed(settings, "erp")) == 1


def test_missing_idempotency_key(client: TestClient, api_key: str, settings: Settings) -> None:
    resp = client.post(URL, json={"id": "1"}, headers=_key_headers(api_key, None))
    assert resp.status_code == 422
    assert resp.json()["code"] == "validation_error"
    assert "Idempotency-Key" in resp.json()["message"]
    assert _landed(settings) == []


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("", "application/json"),
        ("[]", "application/json"),
        ("[1, 2]", "application/json"),
        ('"text"', "application/json"),
        ("{not json", "application/json"),
    ],
)
def test_invalid_payloads(client: TestClient, api_key: str, body: str, content_type: str) -> None:
    resp = client.post(
        URL, content=body, headers={**_key_headers(api_key), "Content-Type": content_type}
    )
    assert resp.status_code == 422, body
    assert resp.json()["code"] == "invalid_payload"


def test_unknown_source(client: TestClient, api_key: str) -> None:
    resp = client.post("/api/v1/inbound/nope", json={"id": "1"}, headers=_key_headers(api_key))
    assert resp.status_code == 404
    assert resp.json() == {
        "code": "source_not_found",
        "message": "Unknown source 'nope': it is not configured in c360.toml.",
    }


def test_roles(client: TestClient, auth: Auth, settings: Settings) -> None:
    for user in ("alice", "fiona", "eric"):
        resp = client.post(URL, json={"id": "1"}, headers={**auth(user), "Idempotency-Key": "k"})
        assert resp.status_code == 403
        assert resp.json()["code"] == "forbidden"
    resp = client.post(URL, json={"id": "1"}, headers={**auth("admin"), "Idempotency-Key": "k"})
    assert resp.status_code == 202
    assert client.post(URL, json={"id": "1"}, headers={"Idempotency-Key": "k"}).status_code == 401
    bound = store.add_api_key(settings, "erp-only", "erp")
    resp = client.post(URL, json={"id": "1"}, headers=_key_headers(bound))
    assert resp.status_code == 403


def test_body_too_large(client: TestClient, api_key: str, settings: Settings) -> None:
    big = b'{"x": "' + b"a" * (inbound.MAX_BODY_BYTES + 10) + b'"}'
    resp = client.post(URL, content=big, headers=_key_headers(api_key))
    assert resp.status_code == 413
    assert resp.json()["code"] == "payload_too_large"
    assert _landed(settings) == []


def test_store_unavailable_is_503(
    client: TestClient, api_key: str, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(_path: Path, _data: bytes) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(inbound, "write_durably", broken)
    resp = client.post(URL, json={"id": "1"}, headers=_key_headers(api_key))
    assert resp.status_code == 503
    assert resp.headers["retry-after"] == "30"
    assert resp.json()["code"] == "store_unavailable"
    monkeypatch.undo()
    # The failed attempt left no claim behind: the retry is accepted.
    resp = client.post(URL, json={"id": "1"}, headers=_key_headers(api_key))
    assert resp.status_code == 202


def test_unflatten() -> None:
    assert unflatten({"a__b__c": 1, "a__d": 2, "e": 3}) == {"a": {"b": {"c": 1}, "d": 2}, "e": 3}
    assert unflatten({"a": 1, "a__b": 2}) == {"a": 1, "a__b": 2}  # clash: kept flat
    assert unflatten({"__x": 1}) == {"__x": 1}


def test_in_flight_key_is_409_then_stale_claim_is_retaken(
    client: TestClient, api_key: str, settings: Settings
) -> None:
    import hashlib
    from datetime import timedelta

    from sqlmodel import Session

    body = b'{"id": "9"}'
    with Session(store.get_engine(settings)) as session:
        session.add(
            store.InboundReceipt(
                source="crm",
                idempotency_key="k-9",
                payload_sha256=hashlib.sha256(body).hexdigest(),
                status_code=inbound.PENDING,
                response_json="{}",
            )
        )
        session.commit()
    headers = {**_key_headers(api_key, "k-9"), "Content-Type": "application/json"}
    busy = client.post(URL, content=body, headers=headers)
    assert busy.status_code == 409
    assert busy.json()["code"] == "request_in_progress"
    with Session(store.get_engine(settings)) as session:
        receipt = session.get(store.InboundReceipt, ("crm", "k-9"))
        assert receipt is not None
        receipt.received_at = store.utcnow() - timedelta(minutes=5)
        session.add(receipt)
        session.commit()
    resp = client.post(URL, content=body, headers=headers)
    assert resp.status_code == 202
    assert len(_landed(settings)) == 1


def test_api_key_as_basic_auth_password(
    client: TestClient, api_key: str, settings: Settings
) -> None:
    resp = client.post(
        URL, json={"id": "1"}, auth=("zapier", api_key), headers={"Idempotency-Key": "basic-1"}
    )
    assert resp.status_code == 202
    wrong = client.post(
        URL, json={"id": "1"}, auth=("zapier", "c360_nope"), headers={"Idempotency-Key": "b-2"}
    )
    assert wrong.status_code == 401
