"""Dynamics 365 quotes, order lines, products, activities (phonecalls, appointments,
emails, tasks), incidents and systemusers: read by default from the Dataverse fake,
landed and staged with exact rows; an org without an entity set costs only that set;
rate limits and change tracking (tombstones) behave as for accounts."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from urllib.parse import unquote

from connector_harness import Harness, read_pages
from fake_dynamics import guid
from relationship_harness import QUOTE, TICKET, fetch_and_stage, settings_for, staged_from

from ingest.fetch import save_watermark

ACTIVITY = (
    "source_id, customer_source_id, contact_source_id, opportunity_source_id, kind, subject, "
    "occurred_at, status, owner"
)


def test_every_profile_object_is_read_by_default(tmp_path: Path, dynamics: Harness) -> None:
    with staged_from(settings_for(tmp_path / "data", dynamics), dynamics) as staged:
        counts = staged.by_object()
        assert {k: counts[k] for k in ("quote", "order_line", "product", "activity")} == {
            "quote": (2, 2, 0, 0),
            "order_line": (2, 2, 0, 0),
            "product": (2, 2, 0, 0),
            "activity": (4, 4, 0, 0),
        }
        assert counts["ticket"] == (2, 2, 0, 0) and counts["owner"] == (3, 3, 0, 0)
        # The regarding lookup's table (its lookuplogicalname annotation) says account,
        # contact or opportunity; a done call is dated by actualend, an open task by its due
        # date, a scheduled appointment (statecode 3) is open.
        assert staged.rows("activity", ACTIVITY) == [
            (guid(401), guid(1), None, None, "call", "Relance", datetime(2026, 3, 2, 9, 20),
             "done", guid(5)),
            (guid(402), None, guid(2), None, "meeting", "Démo", datetime(2026, 12, 10, 12, 0),
             "open", guid(5)),
            (guid(403), None, None, guid(3), "email", "Votre devis",
             datetime(2026, 3, 1, 10, 0), "done", guid(5)),
            (guid(404), guid(2), None, None, "task", "Envoyer contrat",
             datetime(2026, 2, 28, 17, 0), "open", guid(6)),
        ]  # fmt: skip
        assert staged.rows("ticket", TICKET) == [
            (guid(501), guid(1), None, "CAS-01001-A1B2C3", "Machine à l'arrêt", "open", "high",
             datetime(2026, 3, 4, 8, 0), None, guid(5)),
            (guid(502), None, guid(2), "CAS-01002-D4E5F6", "Question tarif", "closed", "low",
             datetime(2026, 1, 5, 8, 0), datetime(2026, 1, 7, 15, 30), None),
        ]  # fmt: skip
        # totalamount includes the tax: excluding it is totalamount - totaltax, to the cent.
        assert staged.rows("quote", QUOTE) == [
            (guid(101), guid(1), guid(2), "QUO-01001-A1B2", "sent", date(2026, 3, 1),
             date(2026, 4, 30), Decimal("12000.50"), Decimal("14400.60")),
            (guid(102), guid(2), None, "QUO-01002-C3D4", "draft", date(2026, 3, 4), None,
             Decimal("800.00"), Decimal("960.00")),
        ]  # fmt: skip
        # The net line amount: baseamount less the manual and volume discounts.
        assert staged.rows(
            "order_line",
            "source_id, order_source_id, line_number, product_code, description, quantity, "
            "unit_price, discount_percent, amount_excl_tax",
        ) == [
            (guid(201), guid(0), 1, guid(301), None, Decimal("4.0000"), Decimal("1250.0000"),
             Decimal("10.0000"), Decimal("4500.00")),
            (guid(202), guid(0), 2, None, "Forfait installation", Decimal("2.0000"),
             Decimal("850.1300"), Decimal("0.0000"), Decimal("1700.26")),
        ]  # fmt: skip
        assert staged.rows("product", "source_id, product_code, name, list_price, is_active") == [
            (guid(301), "HSK63", "Broche HSK-63", Decimal("1250.0000"), True),
            (guid(302), "INST-01", "Forfait installation", Decimal("850.1300"), False),
        ]


def test_activity_pages_carry_the_lookup_table(tmp_path: Path, dynamics: Harness) -> None:
    result = dynamics.fetch(tmp_path, objects=["emails"])
    assert result.records == {"emails": 1}
    email = read_pages(tmp_path, "emails")[0][0]
    assert email["activityid"] == guid(403)
    assert email["_regardingobjectid_value"] == guid(3)
    assert email["_regardingobjectid_value@Microsoft.Dynamics.CRM.lookuplogicalname"] == (
        "opportunity"
    )
    assert email["_ownerid_value@Microsoft.Dynamics.CRM.lookuplogicalname"] == "systemuser"
    prefer = dynamics.fake.requests[0].headers["prefer"]
    assert prefer == (
        "odata.maxpagesize=100,"
        'odata.include-annotations="Microsoft.Dynamics.CRM.lookuplogicalname",'
        "odata.track-changes"
    )


def test_activity_deletions_follow_the_delta_link(tmp_path: Path, dynamics: Harness) -> None:
    settings = settings_for(tmp_path / "data", dynamics, extract="incremental")
    first = fetch_and_stage(settings, dynamics)
    assert {"phonecalls", "tasks", "incidents"} <= set(first.fetched.cursors["crm"])
    save_watermark(settings, "crm", first.fetched.watermarks["crm"], first.fetched.cursors["crm"])
    first.close()
    dynamics.fake.delete("phonecalls", 401)
    dynamics.fake.edit("tasks", 404, 700, statecode=1, actualend="2026-03-01T16:00:00Z")
    dynamics.fake.requests.clear()
    with staged_from(settings, dynamics) as second:
        assert any("$deltatoken" in unquote(r.query) for r in dynamics.fake.requests)
        assert second.by_object()["activity"] == (2, 2, 0, 0)
        assert second.rows("activity", "source_id, status, occurred_at, is_deleted") == [
            (guid(401), "done", datetime(2026, 3, 2, 9, 20), True),  # the tombstone: flagged
            (guid(402), "open", datetime(2026, 12, 10, 12, 0), False),
            (guid(403), "done", datetime(2026, 3, 1, 10, 0), False),
            (guid(404), "done", datetime(2026, 3, 1, 16, 0), False),
        ]


def test_a_table_the_application_user_may_not_read_costs_only_that_table(
    tmp_path: Path, dynamics: Harness
) -> None:
    dynamics.fake.denied = {"incidents"}
    result = dynamics.fetch(tmp_path)
    assert list(result.skipped) == ["incidents"]
    assert result.skipped["incidents"].startswith("the application user may not read it (")
    assert "missing prvReadIncident privilege" in result.skipped["incidents"]
    assert result.records["phonecalls"] == 1 and result.records["accounts"] == 250


def test_incidents_follow_the_next_link(tmp_path: Path, dynamics: Harness) -> None:
    result = dynamics.fetch(tmp_path, objects=["incidents"], page_size=1)
    assert result.records == {"incidents": 2}
    assert [[r["incidentid"] for r in p] for p in read_pages(tmp_path, "incidents")] == [
        [guid(501)],
        [guid(502)],
    ]
    assert "$skiptoken" in unquote(dynamics.fake.requests[1].query)
