"""The API over a snapshot built by the production pipeline (tests/conftest.py built_demo)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from signed_in import bearer

from api.main import create_app


@pytest.fixture(scope="module")
def demo(built_demo: Any) -> Iterator[tuple[TestClient, Any]]:
    with TestClient(create_app(built_demo.settings)) as client:
        yield client, built_demo


def _headers(client: TestClient, user: dict[str, str]) -> dict[str, str]:
    return bearer(client, user["username"], user["password"])


def test_every_read_endpoint_answers(demo: tuple[TestClient, Any]) -> None:
    client, built = demo
    headers = _headers(client, built.user("admin"))
    assert client.get("/api/v1/health").json()["snapshot"] is not None
    listing = client.get("/api/v1/customers?has_overdue=true&limit=5", headers=headers).json()
    assert listing["count"] > 0
    cid = listing["data"][0]["customer_id"]
    profile = client.get(f"/api/v1/customers/{cid}", headers=headers).json()
    assert profile["sources"] and all(s["evidence_text"] for s in profile["sources"])
    assert profile["financial"]["overdue_amount"] not in (None, "0.00")
    customer = f"/customers/{cid}"
    for path in (
        f"{customer}/invoices",
        f"{customer}/orders",
        f"{customer}/opportunities",
        f"{customer}/contacts",
        f"{customer}/open-items",
        f"{customer}/timeline",
        f"{customer}/balance-history",
        "/receivables/aging",
        "/receivables/overdue",
        "/kpis",
        "/alerts",
        "/quality",
        "/quality/rejects",
        "/runs",
    ):
        resp = client.get(f"/api/v1{path}", headers=headers)
        assert resp.status_code == 200, (path, resp.text)
    aging = client.get("/api/v1/receivables/aging", headers=headers).json()
    assert [b["bucket"] for b in aging["buckets"]][0] == "not_due"


def test_sales_user_sees_only_own_customers(demo: tuple[TestClient, Any]) -> None:
    client, built = demo
    sales = built.user("sales")
    headers = _headers(client, sales)
    rows = client.get("/api/v1/customers?limit=200", headers=headers).json()["data"]
    assert rows and {r["owner"] for r in rows} == {sales["owner_name"]}
    admin = _headers(client, built.user("admin"))
    others = client.get("/api/v1/customers?limit=200", headers=admin).json()["data"]
    foreign = next(r["customer_id"] for r in others if r["owner"] != sales["owner_name"])
    assert client.get(f"/api/v1/customers/{foreign}", headers=headers).status_code == 403


def test_search_by_siret_with_spaces(demo: tuple[TestClient, Any]) -> None:
    client, built = demo
    headers = _headers(client, built.user("admin"))
    some = client.get("/api/v1/customers?limit=50", headers=headers).json()["data"]
    target = next(r for r in some if r["siren"])
    profile = client.get(f"/api/v1/customers/{target['customer_id']}", headers=headers).json()
    siret = profile["legal"]["siret"] or target["siren"]
    spaced = " ".join(siret[i : i + 3] for i in range(0, len(siret), 3))
    found = client.get("/api/v1/customers", params={"q": spaced}, headers=headers).json()
    assert target["customer_id"] in [r["customer_id"] for r in found["data"]]
