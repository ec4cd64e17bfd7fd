"""`run_writeback` end to end: a snapshot built by the pipeline from hand-written extracts,
written to the four fake CRMs; only changes are sent, failures go again next run."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from writeback_project import DASHBOARD, RECORDS, Project, make_project
from writeback_vendor import Vendor

from ingest.writeback import run_writeback
from kernel.connection import connect
from kernel.snapshots import current_snapshot

HUB_C001 = {
    "c360_outstanding": "13200.00",
    "c360_overdue": "12000.00",
    "c360_oldest_overdue_days": "58",
    "c360_credit_limit": "10000.00",
    "c360_credit_utilisation": "132.00",
    "c360_last_invoice_date": "2026-11-10",
    "c360_alert_summary": "Outstanding 13200.00 exceeds the credit limit of 10000.00 EUR",
}


@pytest.fixture
def project(
    tmp_path: Path, hubspot: Vendor, salesforce: Vendor, dynamics: Vendor, odoo: Vendor
) -> Project:
    vendors = {"hubspot": hubspot, "salesforce": salesforce, "dynamics365": dynamics, "odoo": odoo}
    return make_project(tmp_path, vendors)


def _customer_ids(project: Project) -> list[str]:
    path = current_snapshot(project.settings.snapshots_dir)
    assert path is not None
    with connect(path, read_only=True) as con:
        rows = con.execute(
            "select source_id, customer_id from core.customer_xref where source = 'hub'"
        ).fetchall()
    by_record = dict(rows)
    return [by_record[rid] for rid in RECORDS["hubspot"]]


def _log(project: Project) -> list[dict[str, object]]:
    lite = sqlite3.connect(project.settings.writeback_log_db)
    lite.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in lite.execute("select * from writeback_log order by log_id")]
    finally:
        lite.close()


def _writes(project: Project) -> dict[str, int]:
    return {system: vendor.fake.writes for system, vendor in project.vendors.items()}


def test_first_run_writes_every_crm_to_the_cent_and_a_second_sends_nothing(
    project: Project,
) -> None:
    c001, c002, c003 = _customer_ids(project)
    result = run_writeback(project.settings, env=project.env())
    assert result.ok
    hub = project.vendors["hubspot"].fake.written
    assert hub["1001"] == HUB_C001 | {"c360_link": f"{DASHBOARD}/customers?customer={c001}"}
    assert hub["1002"] == {
        "c360_outstanding": "300.45",
        "c360_overdue": "0.00",
        "c360_oldest_overdue_days": "0",
        "c360_credit_limit": "5000.00",
        "c360_credit_utilisation": "6.01",
        "c360_last_invoice_date": "2026-11-20",
        "c360_link": f"{DASHBOARD}/customers?customer={c002}",
    }
    # C003 has no limit, no invoice, no alert: those empty fields are not written at all
    assert hub["1003"] == {
        "c360_outstanding": "0.00",
        "c360_overdue": "0.00",
        "c360_oldest_overdue_days": "0",
        "c360_link": f"{DASHBOARD}/customers?customer={c003}",
    }
    sf = project.vendors["salesforce"].fake.written[RECORDS["salesforce"][0]]
    assert sf["C360_Outstanding__c"] == 13200 and sf["C360_Credit_Utilisation__c"] == 132
    assert project.vendors["salesforce"].fake.written[RECORDS["salesforce"][1]][
        "C360_Outstanding__c"
    ] == pytest.approx(300.45, abs=0)
    dyn = project.vendors["dynamics365"].fake.written[RECORDS["dynamics365"][1]]
    assert dyn["c360_credit_utilisation"] == 6.01 and dyn["c360_overdue"] == 0
    odoo = project.vendors["odoo"].fake.written["1"]
    assert odoo["x_c360_oldest_overdue_days"] == 58
    assert odoo["x_c360_last_invoice_date"] == "2026-11-10"
    # one request per batch or record: HubSpot, Salesforce, Dynamics ($batch) 1 batch,
    # Odoo 3 records
    assert _writes(project) == {"hubspot": 1, "salesforce": 1, "dynamics365": 1, "odoo": 3}
    # every field written is logged with its customer, old (none) and new value
    log = _log(project)
    assert len(log) == 4 * (8 + 7 + 4) and {r["result"] for r in log} == {"ok"}
    line = next(
        r
        for r in log
        if r["source"] == "hub" and r["field"] == "c360_outstanding" and r["record_id"] == "1001"
    )
    assert (line["customer_id"], line["old_value"], line["new_value"]) == (c001, None, "13200.00")

    again = run_writeback(project.settings, env=project.env())
    assert again.ok and again.changes == []
    assert _writes(project) == {"hubspot": 1, "salesforce": 1, "dynamics365": 1, "odoo": 3}
    assert len(_log(project)) == len(log)


def test_only_what_changed_is_sent_after_the_next_build(project: Project) -> None:
    run_writeback(project.settings, env=project.env())
    before = _writes(project)
    for vendor in project.vendors.values():
        vendor.fake.written.clear()
    # 10,000.00 of INV-1 paid: C001 drops under its limit, the alert clears
    project.invoices(open1="2000.00")
    project.publish()
    result = run_writeback(project.settings, env=project.env())
    assert result.ok
    assert project.vendors["hubspot"].fake.written == {
        "1001": {
            "c360_outstanding": "3200.00",
            "c360_overdue": "2000.00",
            "c360_credit_utilisation": "32.00",
            "c360_alert_summary": "",
        }
    }
    sf = project.vendors["salesforce"].fake.written
    assert sf == {
        RECORDS["salesforce"][0]: {
            "C360_Outstanding__c": 3200,
            "C360_Overdue__c": 2000,
            "C360_Credit_Utilisation__c": 32,
            "C360_Alerts__c": None,
        }
    }
    assert project.vendors["odoo"].fake.written["1"]["x_c360_alert_summary"] is False
    after = _writes(project)
    assert {k: after[k] - before[k] for k in after} == {
        "hubspot": 1,
        "salesforce": 1,
        "dynamics365": 1,
        "odoo": 1,
    }
    changed = [r for r in _log(project) if r["run_id"] == result.run_id]
    line = next(r for r in changed if r["source"] == "hub" and r["field"] == "c360_overdue")
    assert (line["old_value"], line["new_value"], line["result"]) == ("12000.00", "2000.00", "ok")


def test_a_failed_write_is_sent_again_next_run(project: Project) -> None:
    salesforce = project.vendors["salesforce"]
    hubspot = project.vendors["hubspot"]
    salesforce.fake.refuse[RECORDS["salesforce"][0]] = "Account is locked for approval"
    hubspot.fake.inject("503", times=10)  # HubSpot down for the whole run
    result = run_writeback(project.settings, env=project.env(), retry=hubspot.retry(max_attempts=3))
    assert not result.ok
    assert result.sources["hub"].failed == 3 and "still failing" in str(result.sources["hub"].error)
    assert result.sources["sf"].written == 2 and result.sources["sf"].failed == 1
    assert result.sources["dyn"].written == 3 and result.sources["odoo"].written == 3
    failed = [r for r in _log(project) if r["result"] == "failed"]
    assert {(r["source"], r["record_id"]) for r in failed} == {
        ("sf", RECORDS["salesforce"][0]),
        *{("hub", rid) for rid in RECORDS["hubspot"]},
    }
    sf_line = next(r for r in failed if r["source"] == "sf")
    assert (
        sf_line["message"] == "Account is locked for approval [FIELD_CUSTOM_VALIDATION_EXCEPTION]"
    )

    # next night: the CRM accepts; only what failed goes again, to the cent
    salesforce.fake.refuse.clear()
    hubspot.fake.faults.clear()
    salesforce.fake.written.clear()
    retried = run_writeback(project.settings, env=project.env())
    assert retried.ok
    assert {s: (v.records, v.written) for s, v in retried.sources.items()} == {
        "hub": (3, 3),
        "sf": (1, 1),
        "dyn": (0, 0),
        "odoo": (0, 0),
    }
    assert salesforce.fake.written[RECORDS["salesforce"][0]]["C360_Overdue__c"] == 12000
    assert hubspot.fake.written["1001"]["c360_outstanding"] == "13200.00"
    assert run_writeback(project.settings, env=project.env()).changes == []


def test_dry_run_sends_nothing_and_changes_no_state(project: Project) -> None:
    dry = run_writeback(project.settings, env=project.env(), dry_run=True)
    assert len(dry.changes) == 4 * (8 + 7 + 4)
    assert _writes(project) == {"hubspot": 0, "salesforce": 0, "dynamics365": 0, "odoo": 0}
    assert not project.settings.writeback_log_db.exists()
    real = run_writeback(project.settings, env=project.env())
    assert len(real.changes) == len(dry.changes)


def test_only_one_source_and_mapped_fields(project: Project, tmp_path: Path) -> None:
    config = project.root / "c360.toml"
    text = config.read_text(encoding="utf-8")
    # HubSpot: outstanding into an existing property, no link, the rest by default
    text = text.replace(
        'name = "hub"',
        'name = "hub"\nwriteback = { fields = { outstanding = "encours", link = "" } }',
    ).replace("writeback = { enabled = true }", "", 1)
    config.write_text(text, encoding="utf-8")
    project.vendors["hubspot"].fake.writable.add("encours")
    result = run_writeback(project.settings, env=project.env(), only=["hub"])
    assert set(result.sources) == {"hub"}
    written = project.vendors["hubspot"].fake.written["1001"]
    assert written["encours"] == "13200.00"
    assert "c360_outstanding" not in written and "c360_link" not in written
    assert _writes(project)["salesforce"] == 0


def test_records_go_a_slice_at_a_time(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    import ingest.writeback as writeback

    monkeypatch.setattr(writeback, "SLICE", 2)
    project.vendors["hubspot"].fake.inject("503", skip=1, times=10)  # down after slice 1
    result = run_writeback(
        project.settings, env=project.env(), retry=project.vendors["hubspot"].retry(2)
    )
    hub = result.sources["hub"]
    assert (hub.records, hub.written, hub.failed) == (3, 2, 1)
    # one batch per slice: the first written, the second refused twice (503), then no
    # more requests for the rest
    assert project.vendors["hubspot"].fake.writes == 1
    assert len(project.vendors["hubspot"].fake.requests) == 3
    assert _writes(project)["dynamics365"] == 2  # one $batch per slice
    project.vendors["hubspot"].fake.faults.clear()
    again = run_writeback(project.settings, env=project.env())
    assert again.sources["hub"].records == 1 and again.sources["hub"].written == 1
    assert again.change_count == 4  # the 4 fields of the third company (C003)


def test_a_vendor_down_stops_its_source_after_the_slice_in_flight(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ingest.writeback as writeback

    monkeypatch.setattr(writeback, "SLICE", 2)
    hubspot = project.vendors["hubspot"]
    hubspot.fake.inject("503", times=10)
    result = run_writeback(project.settings, env=project.env(), retry=hubspot.retry(2))
    hub = result.sources["hub"]
    assert (hub.records, hub.written, hub.failed) == (3, 0, 3)
    assert len(hubspot.fake.requests) == 2  # the first slice's batch, tried twice
    logged = {r["record_id"] for r in _log(project) if r["source"] == "hub"}
    assert logged == {"1001", "1002"}  # the slice in flight; the third was never tried
    assert result.sources["sf"].written == 3  # the other CRMs are written all the same
