"""Role matrix, receivables, KPIs, alerts, quality and runs on the shared snapshot."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from snapshot_fixture import ACME, ALICE, BUILD_1, DUPONT

Auth = Callable[[str], dict[str, str]]


@pytest.fixture
def client(shared_client: TestClient) -> TestClient:
    return shared_client


@pytest.fixture
def auth(shared_auth: Auth) -> Auth:
    return shared_auth


GETS = {
    "/api/v1/customers": {"alice", "bob", "fiona", "eric", "admin"},
    f"/api/v1/customers/{DUPONT}": {"alice", "fiona", "eric", "admin"},
    f"/api/v1/customers/{DUPONT}/invoices": {"alice", "fiona", "eric", "admin"},
    "/api/v1/receivables/aging": {"fiona", "admin"},
    "/api/v1/receivables/overdue": {"fiona", "admin"},
    "/api/v1/kpis": {"eric", "admin"},
    "/api/v1/alerts": {"alice", "bob", "fiona", "eric", "admin"},
    "/api/v1/quality": {"admin"},
    "/api/v1/quality/rejects": {"admin"},
    "/api/v1/runs": {"admin"},
    "/api/v1/users": {"admin"},
}


@pytest.mark.parametrize("path", sorted(GETS))
def test_role_matrix(client: TestClient, auth: Auth, path: str) -> None:
    for user in ("alice", "bob", "fiona", "eric", "admin"):
        resp = client.get(path, headers=auth(user))
        expected = 200 if user in GETS[path] else 403
        assert resp.status_code == expected, (user, path, resp.text)
        if expected == 403:
            assert resp.json()["code"] == "forbidden"


def test_aging(client: TestClient, auth: Auth) -> None:
    body = client.get("/api/v1/receivables/aging?top=2", headers=auth("fiona")).json()
    assert body["buckets"] == [
        {"bucket": "not_due", "amount": "8234.56", "customer_count": 2},
        {"bucket": "31_60", "amount": "500.00", "customer_count": 1},
        {"bucket": "over_90", "amount": "2500.00", "customer_count": 1},
    ]
    assert body["total_amount"] == "11629.66"
    assert body["overdue_amount"] == "3075.10"
    assert [c["customer_id"] for c in body["top_customers"]] == [ACME, DUPONT]
    assert body["snapshot"] == BUILD_1


def test_overdue_sorted_and_paged(client: TestClient, auth: Auth) -> None:
    headers = auth("fiona")
    first = client.get("/api/v1/receivables/overdue?limit=2", headers=headers).json()
    assert first["count"] == 3
    assert [r["overdue_amount"] for r in first["data"]] == ["2500.00", "500.00"]
    rest = client.get(
        f"/api/v1/receivables/overdue?limit=2&cursor={first['next_cursor']}", headers=headers
    ).json()
    assert [r["overdue_amount"] for r in rest["data"]] == ["75.10"]
    assert rest["next_cursor"] is None


def test_kpis_filters(client: TestClient, auth: Auth) -> None:
    headers = auth("eric")
    body = client.get("/api/v1/kpis", headers=headers).json()
    assert body["count"] == 4
    months = client.get("/api/v1/kpis?from=2026-10&to=2026-11&segment=PME", headers=headers)
    data = months.json()["data"]
    assert [(r["month"], r["revenue_amount"]) for r in data] == [
        ("2026-10-01", "0.00"),
        ("2026-11-01", "612.13"),
    ]
    assert data[0]["win_rate"] == 0.5
    bad = client.get("/api/v1/kpis?from=last-year", headers=headers)
    assert bad.status_code == 422
    assert bad.json()["code"] == "validation_error"


def test_alerts_scoped_for_sales(client: TestClient, auth: Auth) -> None:
    everyone = client.get("/api/v1/alerts", headers=auth("fiona")).json()
    assert everyone["count"] == 3
    assert everyone["data"][0]["severity"] == "high"  # most severe first
    mine = client.get("/api/v1/alerts", headers=auth("alice")).json()
    assert {a["owner"] for a in mine["data"]} == {ALICE}
    assert mine["count"] == 2
    assert (
        client.get("/api/v1/alerts?owner=Bob%20Durand", headers=auth("alice")).json()["count"] == 0
    )


def test_quality_report(client: TestClient, auth: Auth) -> None:
    body = client.get("/api/v1/quality", headers=auth("admin")).json()
    rates = {r["source"]: r for r in body["match_rates"]}
    assert rates["crm"] == {
        "source": "crm",
        "records": 3,
        "matched": 2,
        "unmatched": 1,
        "match_rate": pytest.approx(2 / 3),
    }
    assert rates["erp"]["matched"] == 2
    assert body["unmatched_count"] == 1
    assert body["conflicts"] == {"count": 1, "by_field": [{"field": "phone", "count": 1}]}
    queue = body["review_queue"]
    assert queue["count"] == 1
    assert queue["data"][0]["evidence_text"] == (
        "name 'Boulangerie Martin' ≈ 'BOULANGERIE MARTIN SARL' 0.85"
    )
    assert body["rejects"] == [
        {
            "source": "crm",
            "count": 1,
            "reasons": [{"reason": "SIRET 123 is not 14 digits", "count": 1}],
        }
    ]
    assert {c["check_name"]: c["count"] for c in body["checks"]} == {
        "address_differs": 1,
        "missing_in_crm": 2,
    }
    rejects = client.get("/api/v1/quality/rejects?source=crm", headers=auth("admin")).json()
    assert rejects["data"][0]["line"] == 7


def test_runs(client: TestClient, auth: Auth) -> None:
    body = client.get("/api/v1/runs", headers=auth("admin")).json()
    assert body["ingest_run_count"] == 2
    assert {r["source"] for r in body["ingest_runs"]} == {"crm", "erp"}
    assert body["builds"][0]["build_id"] == BUILD_1
    assert body["builds"][0]["started_at"] == "2026-11-27T02:00:10Z"


def test_users_never_show_hashes(client: TestClient, auth: Auth) -> None:
    users = client.get("/api/v1/users", headers=auth("admin")).json()
    assert {u["username"] for u in users} == {"admin", "alice", "bob", "fiona", "eric"}
    assert all("password_hash" not in u for u in users)


def test_openapi_lists_every_route(client: TestClient) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/customers/{customer_id}/timeline",
        "/api/v1/inbound/{source}",
        "/api/v1/auth/token",
        "/api/v1/health",
    ):
        assert path in paths
