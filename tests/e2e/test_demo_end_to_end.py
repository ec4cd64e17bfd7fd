"""Issue 2's end-to-end check: demo company → nightly → real uvicorn → HTTP → truth.json.

Every company of the generated truth is looked up over HTTP, and its outstanding and
overdue amounts must equal the truth to the cent.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

import httpx
import pytest

if TYPE_CHECKING:
    from tests.conftest import ApiServer, BuiltDemo

pytestmark = pytest.mark.e2e


def _token(url: str, username: str, password: str) -> str:
    r = httpx.post(f"{url}/api/v1/auth/token", data={"username": username, "password": password})
    assert r.status_code == 200, r.text
    return str(r.json()["access_token"])


def test_health_is_open(api_server: ApiServer) -> None:
    r = httpx.get(f"{api_server.url}/api/v1/health")
    assert r.status_code == 200
    assert r.json()["status"] == "ok"


def test_login_rejects_a_wrong_password(api_server: ApiServer, built_demo: BuiltDemo) -> None:
    admin = built_demo.user("admin")
    r = httpx.post(
        f"{api_server.url}/api/v1/auth/token",
        data={"username": admin["username"], "password": "not-the-password"},
    )
    assert r.status_code == 401
    assert r.json()["code"] == "invalid_credentials"


def test_every_company_balance_equals_truth_over_http(
    api_server: ApiServer, built_demo: BuiltDemo
) -> None:
    finance = built_demo.user("finance")
    headers = {
        "Authorization": f"Bearer {_token(api_server.url, finance['username'], finance['password'])}"
    }
    with httpx.Client(base_url=api_server.url, headers=headers, timeout=10) as client:
        checked = 0
        for company in built_demo.truth["companies"]:
            erp = [r for r in company["records"] if r["source"] == "erp"]
            if not company["customer_code"] or not erp:
                continue
            found = client.get("/api/v1/customers", params={"q": company["customer_code"]})
            assert found.status_code == 200, found.text
            rows = [
                r for r in found.json()["data"] if r["customer_code"] == company["customer_code"]
            ]
            assert len(rows) == 1, (company["customer_code"], found.json())
            profile = client.get(f"/api/v1/customers/{rows[0]['customer_id']}")
            assert profile.status_code == 200, profile.text
            fin = profile.json()["financial"]
            assert Decimal(fin["outstanding_amount"]) == Decimal(company["outstanding_amount"]), (
                company
            )
            assert Decimal(fin["overdue_amount"]) == Decimal(company["overdue_amount"]), company
            sources = {(s["source"], s["source_id"]) for s in profile.json()["sources"]}
            assert {(r["source"], r["source_id"]) for r in company["records"]} <= sources
            checked += 1
    assert checked >= 100


def test_calls_without_a_token_are_refused(api_server: ApiServer) -> None:
    r = httpx.get(f"{api_server.url}/api/v1/customers")
    assert r.status_code == 401
    assert set(r.json()) >= {"code", "message"}


def test_profile_says_where_fields_came_from(api_server: ApiServer, built_demo: BuiltDemo) -> None:
    admin = built_demo.user("admin")
    headers = {
        "Authorization": f"Bearer {_token(api_server.url, admin['username'], admin['password'])}"
    }
    company = next(
        c
        for c in built_demo.truth["companies"]
        if c["customer_code"] and len({r["source"] for r in c["records"]}) == 3
    )
    with httpx.Client(base_url=api_server.url, headers=headers, timeout=10) as client:
        found = client.get("/api/v1/customers", params={"q": company["customer_code"]}).json()
        cid = found["data"][0]["customer_id"]
        profile = client.get(f"/api/v1/customers/{cid}").json()
    provenance = {p["field"]: p for p in profile["provenance"]}
    assert provenance["name"]["role"] == "erp"  # the ERP is master for the name
    assert provenance["name"]["run_id"] and provenance["name"]["loaded_at"]
    assert provenance["name"]["changed_at"]  # Odoo write_date of the winning record
    assert {s["source"] for s in profile["sources"]} == {"crm", "erp", "compta"}
    assert all(s["evidence_text"] for s in profile["sources"])
