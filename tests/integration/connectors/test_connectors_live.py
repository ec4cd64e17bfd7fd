"""Connectors against tenants that change while they are read.

Rows are edited and deleted between two pages, search results appear late, association
lists run past a page, a search window passes 10,000 rows, a long transaction commits an
old stamp after newer rows were read, the org refuses concurrent requests. Each test
checks that every live row is read exactly once and that no deletion is missed (over
the run and the next incremental run when the vendor can only show it then).
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from connector_harness import Harness, read_pages
from fake_dynamics import guid
from fake_salesforce import CONCURRENT_LIMIT, DAILY_LIMIT
from fakes_common import BASE

from ingest.connectors import ConnectorQuotaError, ConnectorRequestError, connectors

NO_ASSOC: dict[str, Any] = {"associations": {"companies": []}}


def _rows(out_dir: Path, obj: str) -> list[dict[str, Any]]:
    return [r for page in read_pages(out_dir, obj) for r in page]


def _once(ids: list[Any]) -> None:
    repeated = [i for i, n in Counter(ids).items() if n > 1]
    assert not repeated, f"read more than once: {repeated}"


# --- HubSpot: associations ---------------------------------------------------------------


def _company_with_250_contacts(hubspot: Harness) -> list[str]:
    for j in range(1, 250):
        hubspot.fake._link("companies", "1001", "contacts", str(5001 + j))
    return [str(5001 + j) for j in range(250)]


def test_hubspot_association_list_longer_than_a_page_full(hubspot: Harness, tmp_path: Path) -> None:
    expected = _company_with_250_contacts(hubspot)
    hubspot.fetch(tmp_path, objects=["companies"])
    first = _rows(tmp_path, "companies")[0]
    assert first["id"] == "1001"
    assert first["associated_contacts_ids"].split(";") == expected  # not 100 of 250
    v4 = [json.loads(r.body) for r in hubspot.fake.requests if "/crm/v4/" in r.path]
    assert v4[0] == {"inputs": [{"id": "1001"}]}
    assert {"id": "1001", "after": "100"} in v4[1]["inputs"]
    assert {"id": "1001", "after": "200"} in v4[2]["inputs"]
    assert _rows(tmp_path, "companies")[1]["associated_contacts_ids"] == "5002"


def test_hubspot_association_list_longer_than_a_page_incremental(
    hubspot: Harness, tmp_path: Path
) -> None:
    expected = _company_with_250_contacts(hubspot)
    hubspot.fetch(tmp_path, objects=["companies"], watermark=BASE)
    first = _rows(tmp_path, "companies")[0]
    assert first["id"] == "1001"
    assert first["associated_contacts_ids"].split(";") == expected


# --- HubSpot: search while the data changes --------------------------------------------


def test_hubspot_search_rows_edited_and_archived_between_pages(
    hubspot: Harness, tmp_path: Path
) -> None:
    fake = hubspot.fake

    def change() -> None:
        fake.archive("companies", "1050", minutes=500)  # already read on page 1
        fake.archive("companies", "1230", minutes=501)  # not read yet
        fake.edit("companies", "1100", minutes=400, city="Nantes")  # already read
        fake.edit("companies", "1210", minutes=401, city="Brest")  # not read yet

    fake.now = BASE + timedelta(minutes=250)  # the read begins after the last stamp
    fake.at(2, change)  # between search page 1 and search page 2
    options = {**NO_ASSOC, "watermark_margin_minutes": 0}
    run1 = hubspot.fetch(tmp_path / "1", objects=["companies"], watermark=BASE, options=options)
    rows = _rows(tmp_path / "1", "companies")
    ids = [r["id"] for r in rows]
    _once(ids)
    live = [str(1001 + i) for i in range(250) if str(1001 + i) not in ("1050", "1230")]
    assert [i for i in ids if i in live] == live  # every live company, in key order
    by_id = {r["id"]: r for r in rows}
    assert by_id["1230"]["archived"] is True  # archived before it was reached
    assert by_id["1210"]["city"] == "Brest"
    assert run1.duplicates == {"companies": 1}  # 1050: live on page 1, archived later
    # The watermark stays at the moment the read began: what this run could not land
    # (1050's archive, 1100's edit, both made during the read) is read next run.
    assert run1.watermark == BASE + timedelta(minutes=250)
    fake.now = BASE + timedelta(minutes=600)
    run2 = hubspot.fetch(
        tmp_path / "2", objects=["companies"], watermark=run1.watermark, options=NO_ASSOC
    )
    again_rows = _rows(tmp_path / "2", "companies")
    _once([r["id"] for r in again_rows])
    again = {r["id"]: r for r in again_rows}
    assert again["1050"]["archived"] is True  # the deletion is not missed
    assert again["1100"]["city"] == "Nantes"
    assert run2.watermark == BASE + timedelta(minutes=501)


def test_hubspot_late_search_results_are_caught_by_the_margin(
    hubspot: Harness, tmp_path: Path
) -> None:
    fake = hubspot.fake
    # Company 1241 was written at minute 240 but the index has not caught up yet.
    fake.unindexed.add("1241")
    run1 = hubspot.fetch(tmp_path / "1", objects=["companies"], watermark=BASE, options=NO_ASSOC)
    assert "1241" not in [r["id"] for r in _rows(tmp_path / "1", "companies")]
    assert run1.watermark == BASE + timedelta(minutes=249)
    fake.unindexed.clear()  # the index catches up
    strict = {**NO_ASSOC, "watermark_margin_minutes": 0}
    hubspot.fetch(tmp_path / "0", objects=["companies"], watermark=run1.watermark, options=strict)
    assert "1241" not in [r["id"] for r in _rows(tmp_path / "0", "companies")]  # lost
    hubspot.fetch(tmp_path / "2", objects=["companies"], watermark=run1.watermark, options=NO_ASSOC)
    assert "1241" in [r["id"] for r in _rows(tmp_path / "2", "companies")]  # default: kept


@pytest.mark.parametrize("spread", ["minutes", "one_stamp"])
def test_hubspot_search_window_past_10000_rows_is_split(
    hubspot: Harness, tmp_path: Path, spread: str
) -> None:
    fake = hubspot.fake
    fake.build(companies=10_300, contacts=0, deals=0)
    if spread == "one_stamp":  # one bulk import: every row has the same stamp
        for rec in fake.store["companies"]:
            fake.edit("companies", rec["id"], minutes=5)
    result = hubspot.fetch(tmp_path, objects=["companies"], watermark=BASE, options=NO_ASSOC)
    ids = [r["id"] for r in _rows(tmp_path, "companies")]
    _once(ids)
    assert sorted(ids, key=int) == [str(1001 + i) for i in range(10_300)]
    assert result.records == {"companies": 10_300}
    searches = [json.loads(r.body) for r in fake.requests if r.path.endswith("/search")]
    assert all("after" not in s for s in searches)  # keyset, never an offset
    bounded = [
        s for s in searches if any(f["operator"] == "LT" for f in s["filterGroups"][0]["filters"])
    ]
    assert bounded, "the window was split by time"


# --- Odoo, Dynamics, Salesforce: rows deleted and edited between pages ------------------


def test_odoo_partner_unlinked_between_pages_leaves_no_live_partner_unread(
    odoo: Harness, tmp_path: Path
) -> None:
    fake = odoo.fake

    def change() -> None:
        fake.unlink("res.partner", 20)  # on page 1, already read
        fake.unlink("res.partner", 150)  # on page 2, not yet read
        fake.write("res.partner", 30, 400, name="Renamed")

    fake.at(3, change)  # fields_get, page 1, then this before page 2
    result = odoo.fetch(tmp_path, objects=["res.partner"])
    ids = [r["id"] for r in _rows(tmp_path, "res.partner")]
    _once(ids)
    assert ids == [i for i in range(1, 251) if i != 150]  # 101 is not skipped
    assert result.records == {"res.partner": 249}


def test_odoo_archived_between_runs_is_read_incrementally(odoo: Harness, tmp_path: Path) -> None:
    run1 = odoo.fetch(tmp_path / "1", objects=["res.partner"], watermark=BASE)
    odoo.fake.write("res.partner", 7, 260, active=False)
    odoo.fetch(tmp_path / "2", objects=["res.partner"], watermark=run1.watermark)
    rows = {r["id"]: r for r in _rows(tmp_path / "2", "res.partner")}
    assert rows[7]["active"] is False


def test_dynamics_row_deleted_between_pages(dynamics: Harness, tmp_path: Path) -> None:
    dynamics.fake.at(2, lambda: dynamics.fake.delete("accounts", 10))
    result = dynamics.fetch(tmp_path, objects=["accounts"])
    ids = [r["accountid"] for r in _rows(tmp_path, "accounts")]
    _once(ids)
    assert ids == [guid(i) for i in range(250)]  # 10 was read before it went; none skipped
    assert result.records == {"accounts": 250}


def test_salesforce_deleted_during_a_read_is_seen_next_run(
    salesforce: Harness, tmp_path: Path
) -> None:
    account = "001000000000005AAA"
    salesforce.fake.at(2, lambda: salesforce.fake.delete("Account", account, minutes=300))
    run1 = salesforce.fetch(tmp_path / "1", objects=["Account"])
    ids = [r["Id"] for r in _rows(tmp_path / "1", "Account")]
    _once(ids)
    assert len(ids) == 250  # the cursor is a snapshot taken when the query ran
    salesforce.fetch(tmp_path / "2", objects=["Account"], watermark=run1.watermark)
    rows = {r["Id"]: r for r in _rows(tmp_path / "2", "Account")}
    assert rows[account]["IsDeleted"] is True


# --- The watermark margin, every vendor ------------------------------------------------


def _late_commit(h: Harness, minutes: float) -> Any:
    """Record #5 written by a transaction that commits after newer rows were read."""
    if h.system == "hubspot":
        h.fake.edit("companies", "1006", minutes)
        return "1006"
    if h.system == "salesforce":
        h.fake.edit("Account", "001000000000005AAA", minutes)
        return "001000000000005AAA"
    if h.system == "dynamics365":
        h.fake.edit("accounts", 5, minutes)
        return guid(5)
    h.fake.write("res.partner", 5, minutes)
    return 5


KEY = {"hubspot": "id", "salesforce": "Id", "dynamics365": "accountid", "odoo": "id"}


def test_late_commit_inside_the_margin_is_read(vendor: Harness, tmp_path: Path) -> None:
    obj, key = vendor.main_object, KEY[vendor.system]
    opts: dict[str, Any] = NO_ASSOC if vendor.system == "hubspot" else {}
    run1 = vendor.fetch(tmp_path / "1", objects=[obj], watermark=BASE, options=opts)
    assert run1.watermark is not None
    minutes = (run1.watermark - BASE).total_seconds() / 60 - 3
    late = _late_commit(vendor, minutes)
    strict = {**opts, "watermark_margin_minutes": 0}
    vendor.fetch(tmp_path / "0", objects=[obj], watermark=run1.watermark, options=strict)
    assert late not in [r[key] for r in _rows(tmp_path / "0", obj)]  # without a margin: lost
    vendor.fetch(tmp_path / "2", objects=[obj], watermark=run1.watermark, options=opts)
    ids = [r[key] for r in _rows(tmp_path / "2", obj)]
    _once(ids)
    assert late in ids


# --- Failures that say what happened --------------------------------------------------


def test_salesforce_concurrent_limit_is_retried(salesforce: Harness, tmp_path: Path) -> None:
    payload = json.dumps(CONCURRENT_LIMIT).encode()
    salesforce.fake.inject("raw", skip=1, status=403, payload=payload)
    result = salesforce.fetch(tmp_path, objects=["Account"])
    assert salesforce.sleeps == [1.0]
    ids = [r["Id"] for r in _rows(tmp_path, "Account")]
    _once(ids)
    assert result.records == {"Account": 250}


def test_salesforce_daily_quota_is_reported_as_such(salesforce: Harness, tmp_path: Path) -> None:
    payload = json.dumps(DAILY_LIMIT).encode()
    salesforce.fake.inject("raw", status=403, payload=payload)
    with pytest.raises(ConnectorQuotaError, match=r"daily API request allocation used up"):
        salesforce.fetch(tmp_path, objects=["Account"])
    assert salesforce.sleeps == []  # no point retrying a 24-hour quota


def test_salesforce_org_without_orders_skips_the_object(
    salesforce: Harness, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    salesforce.fake.missing.add("Order")
    with caplog.at_level(logging.WARNING):
        result = salesforce.fetch(tmp_path)
    assert "Order" not in result.records
    assert {k: result.records[k] for k in ("Account", "Contact", "Opportunity")} == {
        "Account": 250,
        "Contact": 30,
        "Opportunity": 10,
    }
    assert list(result.skipped) == ["Order"]
    assert "sObject type 'Order' is not supported" in result.skipped["Order"]
    assert any("skipping Order" in r.getMessage() for r in caplog.records)
    assert not list(tmp_path.glob("page-Order-*"))


def _drop(h: Harness) -> str:
    """Remove a default object from the tenant (its app is not installed)."""
    if h.system == "dynamics365":
        del h.fake.store["salesorders"]
        return "salesorders"
    if h.system == "odoo":
        del h.fake.store["sale.order"]
        return "sale.order"
    h.fake.missing.add("Order")
    return "Order"


@pytest.mark.parametrize("rpc", [False, True])
def test_a_default_object_the_tenant_lacks_is_skipped(
    vendor: Harness, tmp_path: Path, rpc: bool
) -> None:
    if vendor.system == "hubspot" or (rpc and vendor.system != "odoo"):
        pytest.skip("HubSpot default objects exist in every portal; JSON-RPC is Odoo only")
    options = {"protocol": "jsonrpc", "login": "api@example.com"} if rpc else {}
    gone = _drop(vendor)
    result = vendor.fetch(tmp_path, options=options)
    assert gone in result.skipped and gone not in result.records
    assert result.records[vendor.main_object] == 250
    with pytest.raises(ConnectorRequestError):  # named explicitly: an error, not a skip
        vendor.fetch(tmp_path / "named", objects=[vendor.main_object, gone], options=options)


def test_nothing_at_all_is_an_error_not_a_skip(salesforce: Harness, tmp_path: Path) -> None:
    salesforce.fake.missing.update(connectors()["salesforce"].default_objects)
    with pytest.raises(ConnectorRequestError, match="none of Account, Contact"):
        salesforce.fetch(tmp_path)
