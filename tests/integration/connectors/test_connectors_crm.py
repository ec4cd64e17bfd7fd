"""Vendor specifics of the CRM connectors: HubSpot, Salesforce, Dynamics 365."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs

import pytest
from connector_harness import Harness, read_pages
from fake_dynamics import HAND, SIZES, guid
from fakes_common import BASE

from ingest.connectors import ConnectorAuthError, ConnectorRequestError, connectors

# --- HubSpot ----------------------------------------------------------------------------


def test_hubspot_default_objects_with_associations(hubspot: Harness, tmp_path: Path) -> None:
    result = hubspot.fetch(tmp_path)
    assert list(result.records) == list(connectors()["hubspot"].default_objects)
    assert result.records["companies"] == 250 and result.records["contacts"] == 120
    assert result.records["deals"] == 45 and result.records["owners"] == 3
    company = read_pages(tmp_path, "companies")[0][0]
    assert company["id"] == "1001" and company["name"] == "Company 0"
    assert company["archived"] is False and company["updatedAt"] == "2026-11-01T00:00:00.000Z"
    assert company["associated_contacts_ids"] == "5001"
    assert company["associated_deals_ids"] == "9001"
    deal = read_pages(tmp_path, "deals")[0][1]
    assert deal["associated_companies_ids"] == "1002"
    assert deal["associated_contacts_ids"] == "5002"
    assert "properties" not in deal and "associations" not in deal
    lists = [r for r in hubspot.fake.requests if r.path.startswith("/crm/v3/objects/")]
    assert all(parse_qs(r.query)["limit"] == ["100"] for r in lists)
    # The list cursor is the next id (keyset), not an offset.
    assert [parse_qs(r.query).get("after") for r in lists[:3]] == [None, ["1101"], ["1201"]]
    assert lists[0].headers["user-agent"] == "c360/0.1"
    # The newest record read: the last hand-written line item (BASE + 312 min).
    assert result.watermark == BASE + timedelta(minutes=312)


def test_hubspot_page_size_is_capped_at_100(hubspot: Harness, tmp_path: Path) -> None:
    result = hubspot.fetch(tmp_path, objects=["companies"], page_size=500)
    assert result.records == {"companies": 250}


def test_hubspot_incremental_uses_search_and_v4_associations(
    hubspot: Harness, tmp_path: Path
) -> None:
    since = BASE + timedelta(minutes=9)
    result = hubspot.fetch(
        tmp_path,
        watermark=since,
        objects=["companies", "contacts"],
        options={"watermark_margin_minutes": 0},
    )
    # GTE the watermark: the record stamped exactly at it comes back too (idempotent).
    assert result.records == {"companies": 241, "contacts": 111}
    assert [len(p) for p in read_pages(tmp_path, "companies")] == [200, 41]
    searches = [json.loads(r.body) for r in hubspot.fake.requests if r.path.endswith("/search")]
    first = searches[0]
    assert first["limit"] == 200
    assert first["filterGroups"] == [
        {
            "filters": [
                {
                    "propertyName": "hs_lastmodifieddate",
                    "operator": "GTE",
                    "value": str(int(since.timestamp() * 1000)),
                },
                {"propertyName": "hs_object_id", "operator": "GT", "value": "0"},
            ]
        }
    ]
    assert searches[-1]["filterGroups"][0]["filters"][0]["propertyName"] == "lastmodifieddate"
    contact = read_pages(tmp_path, "contacts")[0][0]
    assert first["sorts"] == [{"propertyName": "hs_object_id", "direction": "ASCENDING"}]
    assert "after" not in first and searches[1]["filterGroups"][0]["filters"][-1]["value"] == "1209"
    assert contact["id"] == "5010" and contact["associated_companies_ids"] == "1010"


def test_hubspot_401_message_names_the_variable(hubspot: Harness, tmp_path: Path) -> None:
    with pytest.raises(ConnectorAuthError) as info:
        hubspot.fetch(tmp_path, env={"HUBSPOT_TOKEN": "pat-na1-wrong"})
    message = str(info.value)
    assert message.startswith("HubSpot refused the token in HUBSPOT_TOKEN (401): ")
    assert "Authentication credentials not found" in message
    assert "INVALID_AUTHENTICATION" in message
    assert "pat-na1-wrong" not in message


# --- Salesforce -------------------------------------------------------------------------


def test_salesforce_default_objects_flattened(salesforce: Harness, tmp_path: Path) -> None:
    result = salesforce.fetch(tmp_path)
    assert list(result.records) == list(connectors()["salesforce"].default_objects)
    core = ("Account", "Contact", "Opportunity", "Order")
    assert {k: result.records[k] for k in core} == {
        "Account": 250,
        "Contact": 30,
        "Opportunity": 10,
        "Order": 5,
    }
    contacts = read_pages(tmp_path, "Contact")[0]
    assert "attributes" not in contacts[1] and "Account" not in contacts[1]
    assert contacts[1]["Account.Name"] == "Account 1"
    assert contacts[0]["AccountId"] is None and contacts[0]["Account.Name"] is None
    first = salesforce.fake.requests[0]
    assert first.path == "/services/data/v66.0/query"
    q = parse_qs(first.query)["q"][0]
    assert q.startswith("SELECT Id, Name, AccountNumber") and q.endswith("FROM Account")
    assert first.headers["sforce-query-options"] == "batchSize=200"
    assert salesforce.fake.requests[1].path.startswith("/services/data/v66.0/query/01g")


def test_salesforce_incremental_sees_deletes_through_query_all(
    salesforce: Harness, tmp_path: Path
) -> None:
    since = BASE + timedelta(minutes=247, seconds=30)
    result = salesforce.fetch(
        tmp_path, watermark=since, objects=["Account"], options={"watermark_margin_minutes": 0}
    )
    rows = read_pages(tmp_path, "Account")[0]
    assert [r["IsDeleted"] for r in rows] == [False, False] + [True] * 5
    assert result.watermark == BASE + timedelta(minutes=254)
    request = salesforce.fake.requests[0]
    assert request.path.endswith("/queryAll")
    assert "WHERE SystemModstamp > 2026-11-01T04:07:30Z" in parse_qs(request.query)["q"][0]


def test_salesforce_invalid_session_message(salesforce: Harness, tmp_path: Path) -> None:
    with pytest.raises(
        ConnectorAuthError,
        match=(
            r"Salesforce refused the token in SALESFORCE_TOKEN \(401\): "
            r"Session expired or invalid \[INVALID_SESSION_ID\]"
        ),
    ):
        salesforce.fetch(tmp_path, env={"SALESFORCE_TOKEN": "00Dxx!bad"})


def test_salesforce_unknown_field_is_a_request_error(salesforce: Harness, tmp_path: Path) -> None:
    with pytest.raises(ConnectorRequestError, match=r"\(400\): No such column 'Siret__c'"):
        salesforce.fetch(
            tmp_path, objects=["Account"], options={"extra_fields": {"Account": ["Siret__c"]}}
        )


# --- Dynamics 365 -----------------------------------------------------------------------


def test_dynamics_paging_headers_and_next_link(dynamics: Harness, tmp_path: Path) -> None:
    result = dynamics.fetch(tmp_path)
    assert result.records == SIZES | {"systemusers": 3} | {e: len(r) for e, r in HAND.items()}
    assert [len(p) for p in read_pages(tmp_path, "accounts")] == [100, 100, 50]
    first, second = dynamics.fake.requests[:2]
    for header, value in {
        "prefer": "odata.maxpagesize=100,"
        'odata.include-annotations="Microsoft.Dynamics.CRM.lookuplogicalname",'
        "odata.track-changes",
        "odata-version": "4.0",
        "odata-maxversion": "4.0",
        "accept": "application/json",
    }.items():
        assert first.headers[header] == value
    assert parse_qs(first.query)["$select"][0].startswith("accountid,name,accountnumber")
    # The next request is the server's nextLink, verbatim (skiptoken cookie included).
    cookie = f'<cookie pagenumber="2" pagingcookie="{guid(99)}"'
    assert cookie in parse_qs(second.query)["$skiptoken"][0]
    assert parse_qs(second.query)["$select"] == parse_qs(first.query)["$select"]
    account = read_pages(tmp_path, "accounts")[0][1]
    assert "@odata.etag" not in account
    assert account["accountid"] == guid(1) and account["_primarycontactid_value"] == guid(1)


def test_dynamics_incremental_filter(dynamics: Harness, tmp_path: Path) -> None:
    since = BASE + timedelta(minutes=239, milliseconds=500)
    result = dynamics.fetch(
        tmp_path, watermark=since, objects=["accounts"], options={"watermark_margin_minutes": 0}
    )
    assert result.records == {"accounts": 10}
    query = parse_qs(dynamics.fake.requests[0].query)
    assert query["$filter"] == ["modifiedon gt 2026-11-01T03:59:00.500Z"]


def test_dynamics_formatted_values_preference(dynamics: Harness, tmp_path: Path) -> None:
    dynamics.fetch(tmp_path, objects=["invoices"], options={"formatted_values": True})
    prefer = dynamics.fake.requests[0].headers["prefer"]
    assert prefer.startswith("odata.maxpagesize=100,odata.include-annotations=")
    assert "FormattedValue" in prefer
