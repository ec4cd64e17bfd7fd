"""Customer search, the 360° profile, merged-id redirects and per-customer lists."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from snapshot_fixture import ACME, ALICE, BUILD_1, CAFE, DUPONT, MERGED

Auth = Callable[[str], dict[str, str]]


@pytest.fixture
def client(shared_client: TestClient) -> TestClient:
    return shared_client


@pytest.fixture
def auth(shared_auth: Auth) -> Auth:
    return shared_auth


def _ids(client: TestClient, headers: dict[str, str], query: str) -> list[str]:
    resp = client.get(f"/api/v1/customers?{query}", headers=headers)
    assert resp.status_code == 200, resp.text
    return [row["customer_id"] for row in resp.json()["data"]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=dupont", [DUPONT]),
        ("q=DUPONT%20sarl", [DUPONT]),
        ("q=cafe%20elephant", [CAFE]),  # accents and case ignored
        ("q=Caf%C3%A9", [CAFE]),
        ("q=ete", ["C0000006"]),
        ("q=732%20829%20320%2000074", [DUPONT]),  # SIRET with spaces
        ("q=732829320", [DUPONT]),  # SIREN
        ("q=73282932000099", [DUPONT]),  # another establishment of the same SIREN
        ("q=FR%2044%20732829320", [DUPONT]),  # VAT with spaces
        ("q=c00043", [CAFE]),  # customer code
        ("q=lyon", ["C0000004", DUPONT]),  # city, sorted by name
        ("q=compta@cafe-elephant.fr", [CAFE]),
        ("q=69003", [DUPONT]),
        ("q=nothing-like-this", []),
        ("segment=Grand%20compte", [ACME]),
        ("has_overdue=true", [ACME, DUPONT, "C0000005"]),
        ("owner=Bob%20Durand", ["C0000004", CAFE]),
    ],
)
def test_search(client: TestClient, auth: Auth, query: str, expected: list[str]) -> None:
    assert _ids(client, auth("admin"), query) == expected


def test_search_row_shape(client: TestClient, auth: Auth) -> None:
    body = client.get("/api/v1/customers?q=dupont", headers=auth("fiona")).json()
    assert body == {
        "data": [
            {
                "customer_id": DUPONT,
                "name": "Dupont SARL",
                "siren": "732829320",
                "city": "Lyon",
                "postcode": "69003",
                "segment": "PME",
                "owner": ALICE,
                "customer_code": "C00042",
                "outstanding_amount": "1234.56",
                "overdue_amount": "500.00",
                "alert_count": 1,
                "source_count": 2,
                "match_reason": "name starts with 'dupont'",
            }
        ],
        "count": 1,
        "next_cursor": None,
    }


def test_keyset_paging(client: TestClient, auth: Auth) -> None:
    headers = auth("admin")
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        url = "/api/v1/customers?limit=4" + (f"&cursor={cursor}" if cursor else "")
        body = client.get(url, headers=headers).json()
        assert body["count"] == 6
        seen += [row["name"] for row in body["data"]]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert pages == 2
    assert seen == sorted(seen)
    assert len(seen) == len(set(seen)) == 6


def test_sales_only_sees_own_customers(client: TestClient, auth: Auth) -> None:
    alice = auth("alice")
    assert _ids(client, alice, "") == [ACME, DUPONT, "C0000005"]
    assert _ids(client, alice, "q=cafe") == []
    assert _ids(client, alice, "owner=Bob%20Durand") == []
    assert client.get(f"/api/v1/customers/{DUPONT}", headers=alice).status_code == 200
    for path in ("", "/invoices", "/orders", "/timeline", "/open-items", "/balance-history"):
        resp = client.get(f"/api/v1/customers/{CAFE}{path}", headers=alice)
        assert resp.status_code == 403, path
        assert resp.json()["code"] == "forbidden"


def test_profile_shape(client: TestClient, auth: Auth) -> None:
    resp = client.get(f"/api/v1/customers/{DUPONT}", headers=auth("eric"))
    assert resp.status_code == 200
    p = resp.json()
    assert p["customer_id"] == DUPONT
    assert p["name"] == "Dupont SARL"
    assert p["legal"] == {
        "siren": "732829320",
        "siret": "73282932000074",
        "vat_number": "FR44732829320",
    }
    assert p["coordinates"]["city"] == "Lyon"
    assert p["coordinates"]["email"] == "contact@dupont.fr"
    assert p["terms"] == {
        "payment_terms_days": 30,
        "credit_limit_amount": "5000.00",
        "currency": "EUR",
    }
    fin = p["financial"]
    assert fin["outstanding_amount"] == "1234.56"
    assert fin["overdue_amount"] == "500.00"
    assert fin["oldest_overdue_days"] == 58
    assert fin["credit_utilisation"] == pytest.approx(0.2469)
    assert fin["aging"] == {
        "not_due": "734.56",
        "d1_30": None,
        "d31_60": "500.00",
        "d61_90": None,
        "over_90": None,
    }
    assert p["alerts"][0]["alert_type"] == "overdue"
    assert p["alerts"][0]["amount"] == "500.00"
    texts = {s["source"]: s["evidence_text"] for s in p["sources"]}
    assert texts == {
        "crm": "ERP code C00042 held in the CRM",
        "erp": "same SIRET 732 829 320 00074",
    }
    assert p["sources"][0]["evidence"] == {"rule": "xref", "customer_code": "C00042"}
    assert p["conflicts"] == [
        {
            "field": "phone",
            "values": {"crm": "+33478000000", "erp": "+33478000001"},
            "chosen_value": "+33478000001",
            "chosen_source": "erp",
            "rule": "erp_master_for_active",
        }
    ]
    assert p["last_order_date"] == "2026-11-20"
    assert p["snapshot"] == BUILD_1


def test_fuzzy_evidence_text(client: TestClient, auth: Auth) -> None:
    p = client.get(f"/api/v1/customers/{ACME}", headers=auth("admin")).json()
    texts = [s["evidence_text"] for s in p["sources"]]
    assert "name 'ACME Industries' ≈ 'ACME' 0.94, same postcode 13002" in texts
    assert "no other record matched" in texts


def test_unknown_id_is_404(client: TestClient, auth: Auth) -> None:
    for path in ("", "/invoices"):
        resp = client.get(f"/api/v1/customers/C7777777{path}", headers=auth("admin"))
        assert resp.status_code == 404
        assert resp.json()["code"] == "customer_not_found"


def test_merged_id_redirects(client: TestClient, auth: Auth) -> None:
    headers = auth("admin")
    resp = client.get(f"/api/v1/customers/{MERGED}", headers=headers, follow_redirects=False)
    assert resp.status_code == 308
    assert resp.headers["location"] == f"/api/v1/customers/{DUPONT}"
    assert resp.json()["merged_into"] == DUPONT
    assert resp.json()["code"] == "customer_merged"
    sub = client.get(
        f"/api/v1/customers/{MERGED}/invoices?limit=1", headers=headers, follow_redirects=False
    )
    assert sub.status_code == 308
    assert sub.headers["location"] == f"/api/v1/customers/{DUPONT}/invoices?limit=1"
    followed = client.get(f"/api/v1/customers/{MERGED}", headers=headers)
    assert followed.status_code == 200
    assert followed.json()["customer_id"] == DUPONT


def test_customer_lists(client: TestClient, auth: Auth) -> None:
    headers = auth("alice")
    base = f"/api/v1/customers/{DUPONT}"
    inv = client.get(f"{base}/invoices", headers=headers).json()
    assert inv["count"] == 3
    assert [i["invoice_number"] for i in inv["data"]] == ["F2026-002", "F2026-001", "A2026-001"]
    assert inv["data"][0]["amount_open"] == "734.56"
    page1 = client.get(f"{base}/invoices?limit=2", headers=headers).json()
    assert len(page1["data"]) == 2 and page1["next_cursor"]
    page2 = client.get(
        f"{base}/invoices?limit=2&cursor={page1['next_cursor']}", headers=headers
    ).json()
    assert [i["invoice_number"] for i in page2["data"]] == ["A2026-001"]
    assert page2["next_cursor"] is None
    assert client.get(f"{base}/orders", headers=headers).json()["count"] == 2
    assert client.get(f"{base}/opportunities", headers=headers).json()["count"] == 2
    contacts = client.get(f"{base}/contacts", headers=headers).json()
    assert [c["last_name"] for c in contacts["data"]] == ["Aubert", "Dupont"]
    items = client.get(f"{base}/open-items", headers=headers).json()
    assert [i["days_overdue"] for i in items["data"]] == [58, 0]
    history = client.get(f"{base}/balance-history", headers=headers).json()
    assert [h["outstanding_amount"] for h in history["data"]] == ["1100.00", "1234.56"]


def test_timeline_merges_by_date(client: TestClient, auth: Auth) -> None:
    body = client.get(f"/api/v1/customers/{DUPONT}/timeline", headers=auth("admin")).json()
    assert body["count"] == 8
    dates = [e["event_date"] for e in body["data"]]
    assert dates == sorted(dates, reverse=True)
    types = {e["event_type"] for e in body["data"]}
    assert types == {"invoice", "credit_note", "order", "opportunity", "payment"}
    assert body["data"][0] == {
        "event_date": "2026-12-15",
        "event_type": "opportunity",
        "source": "crm",
        "source_id": "D1",
        "reference": "Renouvellement 2027",
        "status": "negotiation",
        "amount": "5000.00",
        "currency": None,
        "kind": None,
        "subject": None,
    }


def test_empty_lists_for_customer_without_documents(client: TestClient, auth: Auth) -> None:
    body = client.get(f"/api/v1/customers/{CAFE}/invoices", headers=auth("admin")).json()
    assert body == {"data": [], "count": 0, "next_cursor": None}
