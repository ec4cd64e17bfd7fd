"""Customer search, the 360° profile, merged-id redirects and per-customer lists, on the
company built by the real pipeline (tests/api/pipeline_company.py; the amounts are
worked out by hand in tests/data/api_company/README.md)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from pipeline_company import (
    ACME,
    ALICE,
    BOULANGERIE,
    CAFE,
    DUPONT,
    ETE,
    FILS,
    MERGED,
    ZETA,
    Built,
)

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
        ("q=ete", [ETE]),
        ("q=732%20829%20320%2000074", [DUPONT]),  # SIRET with spaces
        ("q=732829320", [DUPONT]),  # SIREN
        ("q=73282932000099", [DUPONT]),  # another establishment of the same SIREN
        ("q=FR%2044%20732829320", [DUPONT]),  # VAT with spaces
        ("q=c00045", [BOULANGERIE]),  # customer code
        ("q=lyon", [BOULANGERIE, FILS, DUPONT]),  # city, sorted by name
        ("q=compta@cafe-elephant.fr", [CAFE]),  # a contact's e-mail
        ("q=69003", [DUPONT]),
        ("q=nothing-like-this", []),
        ("segment=Grand%20compte", [ACME]),
        ("has_overdue=true", [ACME, DUPONT, ZETA]),
        ("owner=Bob%20Durand", [BOULANGERIE, FILS, CAFE]),
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
                # address_conflict (C00048's depot) and overdue_before_offer (deal 5001)
                "alert_count": 2,
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
        assert body["count"] == 7
        seen += [row["name"] for row in body["data"]]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert pages == 2
    assert seen == sorted(seen)
    assert len(seen) == len(set(seen)) == 7


def test_sales_only_sees_own_customers(client: TestClient, auth: Auth) -> None:
    alice = auth("alice")
    assert _ids(client, alice, "") == [ACME, DUPONT, ZETA]
    assert _ids(client, alice, "q=cafe") == []
    assert _ids(client, alice, "owner=Bob%20Durand") == []
    assert client.get(f"/api/v1/customers/{DUPONT}", headers=alice).status_code == 200
    for path in ("", "/invoices", "/orders", "/timeline", "/open-items", "/balance-history"):
        resp = client.get(f"/api/v1/customers/{CAFE}{path}", headers=alice)
        assert resp.status_code == 403, path
        assert resp.json()["code"] == "forbidden"


def test_profile_shape(client: TestClient, auth: Auth, company: Built) -> None:
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
    # INV/2026/00001 500.00 left of 1200.00 (due 2026-10-01, 58 days late on 2026-11-28)
    # + INV/2026/00002 734.56 not due; the credit note is settled.
    assert fin["outstanding_amount"] == "1234.56"
    assert fin["overdue_amount"] == "500.00"
    assert fin["oldest_overdue_days"] == 58
    assert fin["credit_utilisation"] == pytest.approx(0.2469)  # 1234.56 / 5000
    # 1000.00 + 612.13 invoiced this year, less the 100.00 credit note
    assert fin["revenue_ytd_amount"] == "1512.13"
    assert fin["open_pipeline_amount"] == "5000.00"
    assert fin["weighted_pipeline_amount"] == "3000.00"  # 5000.00 × 0.6
    assert fin["aging"] == {
        "not_due": "734.56",
        "d1_30": "0.00",
        "d31_60": "500.00",
        "d61_90": "0.00",
        "over_90": "0.00",
    }
    assert {a["alert_type"]: a["amount"] for a in p["alerts"]} == {
        "address_conflict": None,
        "overdue_before_offer": "500.00",
    }
    texts = {(s["source"], s["source_id"]): s["evidence_text"] for s in p["sources"]}
    assert texts == {
        ("crm", "1001"): "ERP code C00042 held in the CRM",
        ("erp", "__export__.res_partner_42_a1"): "ERP code C00042 held in the CRM",
        ("erp", "__export__.res_partner_48_a1"): "same SIREN 732 829 320",
    }
    assert p["sources"][0]["evidence"] == {"rule": "xref", "customer_code": "C00042"}
    phone = next(c for c in p["conflicts"] if c["field"] == "phone")
    assert phone == {
        "field": "phone",
        "values": {
            "crm": "+33478000000",
            "erp:__export__.res_partner_42_a1": "+33478000001",
            "erp:__export__.res_partner_48_a1": "+33478000009",
        },
        "chosen_value": "+33478000001",
        "chosen_source": "erp",
        "rule": "erp when the customer has an erp record, else crm",
    }
    assert {c["field"] for c in p["conflicts"]} == {"email", "name", "phone", "postcode", "street"}
    assert p["last_order_date"] == "2026-11-20"
    assert p["last_invoice_date"] == "2026-11-10"
    assert p["updated_at"] == "2026-11-20T10:00:00Z"  # HubSpot's Last Modified Date
    assert {x["field"] for x in p["provenance"]} == {"address", "email", "name", "phone", "siret"}
    assert {x["changed_at"] for x in p["provenance"]} == {"2026-11-20T09:00:00Z"}
    assert p["snapshot"] == company.build_id()


def test_fuzzy_evidence_text(client: TestClient, auth: Auth) -> None:
    p = client.get(f"/api/v1/customers/{ACME}", headers=auth("admin")).json()
    texts = [s["evidence_text"] for s in p["sources"]]
    assert texts == ["name 'acme industries' ≈ 'acme industrie' 0.97"] * 2


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
    assert [i["invoice_number"] for i in inv["data"]] == [
        "INV/2026/00002",
        "INV/2026/00001",
        "RINV/2026/00001",
    ]
    assert [i["amount_open"] for i in inv["data"]] == ["734.56", "500.00", "0.00"]
    assert [i["kind"] for i in inv["data"]] == ["invoice", "invoice", "credit_note"]
    page1 = client.get(f"{base}/invoices?limit=2", headers=headers).json()
    assert len(page1["data"]) == 2 and page1["next_cursor"]
    page2 = client.get(
        f"{base}/invoices?limit=2&cursor={page1['next_cursor']}", headers=headers
    ).json()
    assert [i["invoice_number"] for i in page2["data"]] == ["RINV/2026/00001"]
    assert page2["next_cursor"] is None
    orders = client.get(f"{base}/orders", headers=headers).json()
    assert [(o["order_number"], o["amount_incl_tax"]) for o in orders["data"]] == [
        ("S00002", "480.00"),
        ("S00001", "1200.00"),
    ]
    deals = client.get(f"{base}/opportunities", headers=headers).json()
    assert [(d["name"], d["status"], d["amount"]) for d in deals["data"]] == [
        ("Renouvellement 2027", "open", "5000.00"),
        ("Extension", "won", "1000.00"),
    ]
    contacts = client.get(f"{base}/contacts", headers=headers).json()
    assert [c["last_name"] for c in contacts["data"]] == ["Aubert", "Dupont"]
    items = client.get(f"{base}/open-items", headers=headers).json()
    assert [
        (i["document_ref"], i["days_overdue"], i["amount_remaining"]) for i in items["data"]
    ] == [
        ("INV/2026/00001", 58, "500.00"),
        ("INV/2026/00002", 0, "734.56"),
    ]
    history = client.get(f"{base}/balance-history", headers=headers).json()
    # night1 (2026-11-27): 865.44 + 734.56 open; night2: 500.00 + 734.56
    assert [
        (h["build_date"], h["outstanding_amount"], h["overdue_amount"]) for h in history["data"]
    ] == [
        ("2026-11-27", "1600.00", "865.44"),
        ("2026-11-28", "1234.56", "500.00"),
    ]


def test_timeline_merges_by_date(client: TestClient, auth: Auth) -> None:
    body = client.get(f"/api/v1/customers/{DUPONT}/timeline", headers=auth("admin")).json()
    assert body["count"] == 7  # 3 invoices and credit notes, 2 orders, 2 deals
    dates = [e["event_date"] for e in body["data"]]
    assert dates == sorted(dates, reverse=True)
    types = {e["event_type"] for e in body["data"]}
    assert types == {"invoice", "credit_note", "order", "opportunity"}
    assert body["data"][0] == {
        "event_date": "2026-12-15",
        "event_type": "opportunity",
        "source": "crm",
        "source_id": "5001",
        "reference": "Renouvellement 2027",
        "status": "Contract Sent",
        "amount": "5000.00",
        "currency": None,
        "kind": None,
        "subject": None,
    }


def test_empty_lists_for_customer_without_documents(client: TestClient, auth: Auth) -> None:
    body = client.get(f"/api/v1/customers/{CAFE}/invoices", headers=auth("admin")).json()
    assert body == {"data": [], "count": 0, "next_cursor": None}
