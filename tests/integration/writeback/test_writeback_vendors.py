"""Each CRM writer against its fake server: batch limits the server enforces, 429 with
Retry-After, and the per-record failures each vendor answers."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal

import httpx
import pytest
from fake_dynamics import guid
from writeback_vendor import Vendor

from ingest.connectors import open_connector
from ingest.writeback import writers
from ingest.writeback.base import Answer, RecordWrite


def _record(rid: str, system: str, amount: str = "1234.50") -> RecordWrite:
    names = {
        "hubspot": ("c360_outstanding", "c360_last_invoice_date", "c360_alert_summary"),
        "salesforce": ("C360_Outstanding__c", "C360_Last_Invoice_Date__c", "C360_Alerts__c"),
        "dynamics365": ("c360_outstanding", "c360_last_invoice_date", "c360_alert_summary"),
        "odoo": ("x_c360_outstanding", "x_c360_last_invoice_date", "x_c360_alert_summary"),
    }[system]
    return RecordWrite(
        rid,
        (
            (names[0], "outstanding", amount),
            (names[1], "last_invoice_date", "2026-11-02"),
            (names[2], "alert_summary", None),
        ),
    )


def _ids(vendor: Vendor, n: int) -> list[str]:
    make: dict[str, Callable[[int], str]] = {
        "hubspot": lambda i: str(1001 + i),
        "salesforce": lambda i: f"001{i:012d}AAA",
        "dynamics365": guid,
        "odoo": lambda i: str(i + 1),
    }
    return [make[vendor.system](i) for i in range(n)]


def write(vendor: Vendor, records: list[RecordWrite], max_attempts: int = 5) -> list[Answer]:
    source = vendor.source()
    with open_connector(source, vendor.env, vendor.retry(max_attempts)) as connector:
        return list(writers()[vendor.system](connector).write(records))


def test_hubspot_batches_stay_within_100_inputs(hubspot: Vendor) -> None:
    records = [_record(rid, "hubspot", f"{i}.05") for i, rid in enumerate(_ids(hubspot, 250))]
    answers = write(hubspot, records)
    assert [ok for _, ok, _ in answers] == [True] * 250
    sizes = [len(json.loads(r.body)["inputs"]) for r in hubspot.fake.requests]
    assert sizes == [100, 100, 50]
    # every property as a string, to the cent; None empties the property
    assert hubspot.fake.written["1001"] == {
        "c360_outstanding": "0.05",
        "c360_last_invoice_date": "2026-11-02",
        "c360_alert_summary": "",
    }
    assert hubspot.fake.written["1250"]["c360_outstanding"] == "249.05"


def test_the_fakes_refuse_a_batch_over_the_vendor_limit(
    hubspot: Vendor, salesforce: Vendor
) -> None:
    headers = {"Authorization": f"Bearer {hubspot.fake.token}"}
    inputs = [{"id": str(1001 + i), "properties": {"c360_overdue": "1"}} for i in range(101)]
    answer = httpx.post(
        f"{hubspot.url}/crm/v3/objects/companies/batch/update",
        json={"inputs": inputs},
        headers=headers,
    )
    assert answer.status_code == 400 and answer.json()["category"] == "VALIDATION_ERROR"
    records = [{"attributes": {"type": "Account"}, "id": f"001{i:012d}AAA"} for i in range(201)]
    answer = httpx.patch(
        f"{salesforce.url}/services/data/v66.0/composite/sobjects",
        json={"allOrNone": False, "records": records},
        headers={"Authorization": f"Bearer {salesforce.fake.token}"},
    )
    assert answer.status_code == 400
    assert answer.json()[0]["errorCode"] == "EXCEEDED_ID_LIMIT"
    assert hubspot.fake.written == {} and salesforce.fake.written == {}


def test_salesforce_collections_of_200_with_per_record_errors(salesforce: Vendor) -> None:
    # Accounts 250-254 of the fake are deleted; 3 is refused by a validation rule.
    ids = _ids(salesforce, 255)
    salesforce.fake.refuse[ids[3]] = "Credit limit must be reviewed first"
    answers = write(salesforce, [_record(rid, "salesforce") for rid in ids])
    failed = {rid: message for rid, ok, message in answers if not ok}
    assert failed == {
        ids[3]: "Credit limit must be reviewed first [FIELD_CUSTOM_VALIDATION_EXCEPTION]",
        **{rid: "entity is deleted [ENTITY_IS_DELETED]" for rid in ids[250:]},
    }
    bodies = [json.loads(r.body) for r in salesforce.fake.requests]
    assert [len(b["records"]) for b in bodies] == [200, 55]
    assert all(b["allOrNone"] is False for b in bodies)
    # JSON numbers, exact to the cent; null empties the field
    assert salesforce.fake.written[ids[0]] == {
        "C360_Outstanding__c": 1234.5,
        "C360_Last_Invoice_Date__c": "2026-11-02",
        "C360_Alerts__c": None,
    }
    assert Decimal(str(salesforce.fake.written[ids[0]]["C360_Outstanding__c"])) == Decimal(
        "1234.50"
    )
    assert len(salesforce.fake.written) == 250 - 1


def test_hubspot_partial_failures(hubspot: Vendor) -> None:
    ids = _ids(hubspot, 5)
    # a 207: the unknown company fails, the others are written
    answers = write(hubspot, [_record(rid, "hubspot") for rid in [*ids[:2], "999999"]])
    assert [(rid, ok) for rid, ok, _ in answers] == [
        (ids[0], True),
        (ids[1], True),
        ("999999", False),
    ]
    assert "OBJECT_NOT_FOUND" in str(answers[2][2])
    # a 400 naming one id: it fails, the rest of the batch is sent again and written
    hubspot.fake.requests.clear()
    hubspot.fake.refuse[ids[3]] = "9999999999999999999.99 is not a valid decimal"
    answers = write(hubspot, [_record(rid, "hubspot") for rid in ids[2:]])
    assert {rid: ok for rid, ok, _ in answers} == {ids[2]: True, ids[3]: False, ids[4]: True}
    assert len(hubspot.fake.requests) == 2
    assert set(hubspot.fake.written) == {*ids[:3], ids[4]}
    # a 400 naming no id (a property the portal lacks) fails the whole batch
    bad = RecordWrite(ids[0], (("c360_no_such", "outstanding", "1.00"),))
    answers = write(hubspot, [bad, _record(ids[1], "hubspot")])
    assert [ok for _, ok, _ in answers] == [False, False]
    assert 'Property "c360_no_such" does not exist' in str(answers[0][2])


@pytest.mark.parametrize("name", ["hubspot", "salesforce", "dynamics", "odoo"])
def test_429_waits_the_retry_after_then_writes(name: str, request: pytest.FixtureRequest) -> None:
    vendor: Vendor = request.getfixturevalue(name)
    vendor.fake.inject("429", retry_after="7")
    vendor.fake.inject("503", retry_after="2")
    ids = _ids(vendor, 3)
    answers = write(vendor, [_record(rid, vendor.system, "10.10") for rid in ids])
    assert [ok for _, ok, _ in answers] == [True, True, True]
    assert vendor.sleeps == [7.0, 2.0]
    stored = vendor.fake.written[ids[0]]
    amount = next(v for k, v in stored.items() if "outstanding" in k.lower())
    assert Decimal(str(amount)) == Decimal("10.10")


def test_dynamics_updates_only_and_fails_an_unknown_account(dynamics: Vendor) -> None:
    ids = [guid(0), "00000000-0000-0000-0000-999999999999", guid(1)]
    answers = write(dynamics, [_record(rid, "dynamics365") for rid in ids])
    assert [ok for _, ok, _ in answers] == [True, False, True]
    assert "Does Not Exist" in str(answers[1][2])
    assert dynamics.fake.upserted == []  # If-Match: * never lets a PATCH create
    assert [r.path for r in dynamics.fake.requests] == ["/api/data/v9.2/$batch"]
    assert [h.get("if-match") for _, _, h in dynamics.fake.batch_requests] == ["*"] * 3
    assert dynamics.fake.written[guid(0)] == {
        "c360_outstanding": 1234.5,
        "c360_last_invoice_date": "2026-11-02",
        "c360_alert_summary": None,
    }


@pytest.mark.parametrize("protocol", ["json2", "jsonrpc"])
def test_odoo_write_over_both_protocols(odoo: Vendor, protocol: str) -> None:
    odoo.api["options"] = {"protocol": protocol, "login": "api@example.com"}
    answers = write(odoo, [_record("1", "odoo"), _record("9999", "odoo"), _record("2", "odoo")])
    assert [ok for _, ok, _ in answers] == [True, False, True]
    assert "Record does not exist" in str(answers[1][2])
    assert odoo.fake.written["1"] == {
        "x_c360_outstanding": 1234.5,
        "x_c360_last_invoice_date": "2026-11-02",
        "x_c360_alert_summary": False,
    }


def test_dynamics_batches_stay_within_1000_requests_with_an_answer_each(
    dynamics: Vendor,
) -> None:
    known = {r["accountid"] for r in dynamics.fake.store["accounts"]}
    dynamics.fake.store["accounts"] += [
        {"accountid": guid(i)} for i in range(1500) if guid(i) not in known
    ]
    ids = _ids(dynamics, 1500)
    ids[700] = "00000000-0000-0000-0000-999999999999"  # deleted: refused, the rest written
    records = [_record(rid, "dynamics365", f"{i}.01") for i, rid in enumerate(ids)]
    records[1200] = RecordWrite(ids[1200], (("c360_no_such", "outstanding", "1.00"),))
    answers = write(dynamics, records)
    assert [rid for rid, _, _ in answers] == ids
    assert [i for i, (_, ok, _) in enumerate(answers) if not ok] == [700, 1200]
    assert "Does Not Exist [0x80040217]" in str(answers[700][2])
    assert "'c360_no_such' does not exist" in str(answers[1200][2])
    assert dynamics.fake.writes == 2  # two $batch calls: 1,000 and 500 requests
    assert len(dynamics.fake.batch_requests) == 1500
    assert dynamics.fake.written[ids[999]]["c360_outstanding"] == 999.01
    assert dynamics.fake.written[ids[1499]]["c360_outstanding"] == 1499.01
    assert ids[700] not in dynamics.fake.written and ids[1200] not in dynamics.fake.written
