"""Role matrix, receivables, KPIs, alerts, quality and runs on the shared snapshot."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from pipeline_company import ACME, ALICE, DUPONT, Built

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


def test_aging(client: TestClient, auth: Auth, company: Built) -> None:
    body = client.get("/api/v1/receivables/aging?top=2", headers=auth("fiona")).json()
    # Open on 2026-11-28: Dupont 734.56 (due 12-10) and Boulangerie 320.00 (12-15) not due;
    # Zeta 75.10 28 days late; Dupont 500.00 58 days; ACME 10000.00 119 days.
    assert body["buckets"] == [
        {"bucket": "not_due", "amount": "1054.56", "customer_count": 2},
        {"bucket": "1_30", "amount": "75.10", "customer_count": 1},
        {"bucket": "31_60", "amount": "500.00", "customer_count": 1},
        {"bucket": "over_90", "amount": "10000.00", "customer_count": 1},
    ]
    assert body["total_amount"] == "11629.66"
    assert body["overdue_amount"] == "10575.10"
    assert [c["customer_id"] for c in body["top_customers"]] == [ACME, DUPONT]
    assert body["snapshot"] == company.build_id()


def test_overdue_sorted_and_paged(client: TestClient, auth: Auth) -> None:
    headers = auth("fiona")
    first = client.get("/api/v1/receivables/overdue?limit=2", headers=headers).json()
    assert first["count"] == 3
    assert [r["overdue_amount"] for r in first["data"]] == ["10000.00", "500.00"]
    rest = client.get(
        f"/api/v1/receivables/overdue?limit=2&cursor={first['next_cursor']}", headers=headers
    ).json()
    assert [r["overdue_amount"] for r in rest["data"]] == ["75.10"]
    assert rest["next_cursor"] is None


def test_kpis_filters(client: TestClient, auth: Auth) -> None:
    headers = auth("eric")
    body = client.get("/api/v1/kpis", headers=headers).json()
    # Invoices net of tax by issue month and segment (the credit note negative).
    revenue = {
        (r["month"], r["segment"]): r["revenue_amount"]
        for r in body["data"]
        if r["revenue_amount"] != "0.00"
    }
    assert revenue == {
        ("2026-06-01", "PME"): "-100.00",
        ("2026-07-01", "Grand compte"): "8333.33",
        ("2026-09-01", "PME"): "1000.00",
        ("2026-10-01", "PME"): "62.58",
        ("2026-11-01", "PME"): "612.13",
        ("2026-11-01", "TPE"): "266.67",
    }
    won = [(r["month"], r["won_count"], r["win_rate"]) for r in body["data"] if r["won_count"]]
    assert won == [("2026-05-01", 1, 1.0)]  # deal 5002, closed won on 2026-05-01
    months = client.get("/api/v1/kpis?from=2026-10&to=2026-11&segment=PME", headers=headers)
    data = months.json()["data"]
    assert [(r["month"], r["revenue_amount"]) for r in data] == [
        ("2026-10-01", "62.58"),
        ("2026-11-01", "612.13"),
    ]
    bad = client.get("/api/v1/kpis?from=last-year", headers=headers)
    assert bad.status_code == 422
    assert bad.json()["code"] == "validation_error"


def test_alerts_scoped_for_sales(client: TestClient, auth: Auth) -> None:
    everyone = client.get("/api/v1/alerts", headers=auth("fiona")).json()
    # Dupont: overdue while deal 5001 is open, and the depot's address; three ERP-only.
    assert everyone["count"] == 5
    assert everyone["data"][0]["severity"] == "high"  # most severe first
    mine = client.get("/api/v1/alerts", headers=auth("alice")).json()
    assert {a["owner"] for a in mine["data"]} == {ALICE}
    assert {a["alert_type"] for a in mine["data"]} == {"overdue_before_offer", "address_conflict"}
    assert mine["count"] == 2
    assert (
        client.get("/api/v1/alerts?owner=Bob%20Durand", headers=auth("alice")).json()["count"] == 0
    )


def test_quality_report(client: TestClient, auth: Auth) -> None:
    body = client.get("/api/v1/quality", headers=auth("admin")).json()
    rates = {r["source"]: r for r in body["match_rates"]}
    # CRM 1001 and 1005 by ERP code, 1003 by name; Café alone (1009 was rejected).
    assert rates["crm"] == {
        "source": "crm",
        "records": 4,
        "matched": 3,
        "unmatched": 1,
        "match_rate": pytest.approx(3 / 4),
    }
    # C00042, C00044, C00046, and C00048 by SIREN; C00045, C00047, C00049 alone.
    assert (rates["erp"]["records"], rates["erp"]["matched"]) == (7, 4)
    assert body["unmatched_count"] == 4
    # Dupont's three ERP and CRM records disagree on five fields; ACME's two on the name.
    assert body["conflicts"] == {
        "count": 6,
        "by_field": [
            {"field": "name", "count": 2},
            {"field": "email", "count": 1},
            {"field": "phone", "count": 1},
            {"field": "postcode", "count": 1},
            {"field": "street", "count": 1},
        ],
    }
    queue = body["review_queue"]
    assert queue["count"] == 1
    assert queue["data"][0]["evidence_text"] == (
        "name 'boulangerie martin' ≈ 'boulangerie martin et fils' 0.82"
    )
    assert body["rejects"] == [
        {
            "source": "crm",
            "count": 1,
            "reasons": [
                {
                    "reason": "updated at: 'le 3 mars' is not a date (expected YYYY-MM-DD HH:mm)",
                    "count": 1,
                }
            ],
        }
    ]
    assert {c["check_name"]: c["count"] for c in body["checks"]} == {
        "address_differs": 2,  # Dupont's street and postcode (the depot C00048)
        "crm_not_in_erp": 1,
        "erp_not_in_crm": 3,
        "review_pending": 1,
    }
    rejects = client.get("/api/v1/quality/rejects?source=crm", headers=auth("admin")).json()
    assert rejects["data"][0]["line"] == 6  # the header is line 1


def test_runs(client: TestClient, auth: Auth, company: Built) -> None:
    body = client.get("/api/v1/runs", headers=auth("admin")).json()
    runs = body["ingest_runs"]
    assert {r["source"] for r in runs} == {"crm", "erp"}
    assert body["ingest_run_count"] == len(runs)
    # night1's companies.csv: five records read, 1009 rejected (its date), four loaded.
    companies = [r for r in runs if r["file"] == "companies.csv" and r["status"] == "loaded"]
    assert [(r["rows_read"], r["rows_loaded"], r["rows_rejected"]) for r in companies] == [
        (5, 4, 1)
    ]
    # The served snapshot (night2) knows the builds up to its own, newest first.
    assert [b["build_id"] for b in body["builds"]] == [
        company.build_id(n) for n in ("night2", "night1")
    ]
    assert json.loads(body["builds"][0]["counts"])["customers"] == 7
    assert json.loads(body["builds"][1]["counts"])["customers"] == 8  # C00048 its own


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
