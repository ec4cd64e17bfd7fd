"""HubSpot engagements, tickets, quotes, line items and owners: read by default from the
CRM v3 fake, landed and staged with exact rows; a missing scope costs only its object;
rate limits, archiving and the incremental search behave as for companies."""

from __future__ import annotations

import logging
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from connector_harness import Harness, read_pages
from relationship_harness import TICKET, fetch_and_stage, settings_for, staged_from

from ingest.fetch import save_watermark

OWNER = "41629779"
ACTIVITY = (
    "source_id, customer_source_id, contact_source_id, opportunity_source_id, kind, subject, "
    "occurred_at, status, outcome, owner"
)
ACTIVITIES = [
    ("30100000001", "1001", "5001", None, "call", "Point trimestriel",
     datetime(2026, 3, 2, 9, 30), "done", "f240bbac-87c9-4f6e-bf70-924b57d47db7", OWNER),
    ("30100000002", None, None, "9001", "call", "Rappel planifié",
     datetime(2026, 12, 20, 14, 0), "open", None, OWNER),
    ("30200000001", "1002", None, None, "task", "Envoyer CGV", datetime(2026, 3, 10, 8, 0),
     "open", None, OWNER),
    ("30300000001", "1002", "5002", None, "meeting", "Démo atelier",
     datetime(2026, 2, 10, 13, 0), "done", "COMPLETED", OWNER),
    ("30300000002", "1001", None, None, "meeting", "Revue annuelle",
     datetime(2026, 12, 15, 9, 0), "open", "SCHEDULED", None),
    ("30400000001", None, "5001", None, "email", "Votre devis", datetime(2026, 3, 1, 10, 0),
     "done", "SENT", OWNER),
    # The note's HTML body, tags out, stands for its subject.
    ("30500000001", "1002", None, None, "note", "Client intéressé par l'offre maintenance.",
     datetime(2026, 2, 20, 16, 45), "done", None, OWNER),
]  # fmt: skip


def test_every_profile_object_is_read_by_default(tmp_path: Path, hubspot: Harness) -> None:
    with staged_from(settings_for(tmp_path / "data", hubspot), hubspot) as staged:
        # read, loaded, rejected, skipped per staging object, over all its pages.
        assert staged.by_object() == {
            "customer": (250, 250, 0, 0),
            "contact": (120, 120, 0, 0),
            "opportunity": (45, 45, 0, 0),
            "activity": (7, 7, 0, 0),
            "ticket": (2, 2, 0, 0),
            "quote": (2, 2, 0, 0),
            "order_line": (2, 2, 0, 0),
            "owner": (3, 3, 0, 0),
        }
        assert staged.rows("activity", ACTIVITY) == ACTIVITIES
        # Default support pipeline: stage 4 is closed; the priority's case is HubSpot's.
        assert staged.rows("ticket", TICKET) == [
            ("40100000001", "1001", None, "40100000001", "Panne ligne 2", "open", "urgent",
             datetime(2026, 3, 3, 7, 15), None, OWNER),
            ("40100000002", None, "5002", "40100000002", "Accès portail", "closed", "medium",
             datetime(2026, 1, 5, 9, 0), datetime(2026, 1, 6, 16, 30), None),
        ]  # fmt: skip
        # A draft has no number yet: its title stands in; money to the cent.
        assert staged.rows(
            "quote",
            "source_id, customer_source_id, opportunity_source_id, quote_number, status, "
            "issue_date, valid_until, amount_excl_tax, currency, owner",
        ) == [
            ("50100000001", "1001", "9001", "20260301-093000123", "sent",
             datetime(2026, 3, 1).date(), datetime(2026, 4, 30).date(), Decimal("12000.50"),
             "EUR", OWNER),
            ("50100000002", "1002", None, "Devis options", "draft", datetime(2026, 3, 4).date(),
             None, Decimal("800.00"), "EUR", None),
        ]  # fmt: skip
        # Line items are kept under their deal; the SKU, else the product id.
        assert staged.rows(
            "order_line",
            "source_id, order_source_id, product_code, description, quantity, unit_price, "
            "discount_percent, amount_excl_tax, currency",
        ) == [
            ("60100000001", "9001", "HSK63", "Broche HSK-63", Decimal("4.0000"),
             Decimal("1250.0000"), Decimal("10.0000"), Decimal("4500.00"), "EUR"),
            ("60100000002", "9001", "1642737", "Forfait installation", Decimal("1.0000"),
             Decimal("850.1250"), None, Decimal("850.13"), "EUR"),
        ]  # fmt: skip
        assert staged.rows("owner", "source_id, name, email, is_active") == [
            ("41629779", "Julie Martin", "julie@acme.fr", True),
            ("41629780", "Sophie Lefèvre", "sophie@acme.fr", False),
            ("41629781", "Karim Benali", "karim@acme.fr", True),
        ]


def test_engagement_page_shape(tmp_path: Path, hubspot: Harness) -> None:
    result = hubspot.fetch(tmp_path, objects=["calls"])
    assert result.records == {"calls": 2}
    first = read_pages(tmp_path, "calls")[0][0]
    assert first == {
        "hs_object_id": "30100000001",
        "hs_timestamp": "2026-03-02T09:30:00.000Z",
        "hubspot_owner_id": OWNER,
        "hs_createdate": None,
        "hs_lastmodifieddate": "2026-11-01T05:00:00.000Z",
        "hs_call_title": "Point trimestriel",
        "hs_call_status": "COMPLETED",
        "hs_call_disposition": "f240bbac-87c9-4f6e-bf70-924b57d47db7",
        "hs_call_direction": "OUTBOUND",
        "hs_call_duration": "540000",
        "id": "30100000001",
        "createdAt": "2026-11-01T00:00:00.000Z",
        "updatedAt": "2026-11-01T05:00:00.000Z",
        "archived": False,
        "archivedAt": None,
        "associated_companies_ids": "1001",
        "associated_contacts_ids": "5001",
        "associated_deals_ids": "",
    }
    query = hubspot.fake.requests[0].query
    assert "associations=companies%2Ccontacts%2Cdeals" in query


def test_a_missing_scope_costs_only_that_object(
    tmp_path: Path, hubspot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    hubspot.fake.forbidden = {"tickets", "owners"}
    with (
        caplog.at_level(logging.WARNING),
        staged_from(settings_for(tmp_path / "data", hubspot), hubspot) as staged,
    ):
        assert staged.fetched.skipped["crm"] == {
            "tickets": "the app lacks the scope to read it (required scopes: tickets)",
            "owners": "the app lacks the scope to read it "
            "(required scopes: crm.objects.owners.read)",
        }
        warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
        assert [w for w in warnings if "skipping" in w] == [
            "HubSpot: skipping tickets: the app lacks the scope to read it "
            "(required scopes: tickets)",
            "HubSpot: skipping owners: the app lacks the scope to read it "
            "(required scopes: crm.objects.owners.read)",
        ]
        counts = staged.by_object()
        assert "ticket" not in counts and "owner" not in counts
        assert counts["activity"] == (7, 7, 0, 0) and counts["quote"] == (2, 2, 0, 0)


def test_a_missing_scope_on_a_named_object_fails_the_source(
    tmp_path: Path, hubspot: Harness
) -> None:
    from ingest.connectors import ConnectorObjectMissing

    hubspot.fake.forbidden = {"tickets"}
    with pytest.raises(ConnectorObjectMissing, match=r"required scopes: tickets"):
        hubspot.fetch(tmp_path, objects=["tickets"])


def test_engagements_are_read_incrementally_and_archives_land_deleted(
    tmp_path: Path, hubspot: Harness
) -> None:
    settings = settings_for(tmp_path / "data", hubspot, extract="incremental")
    first = fetch_and_stage(settings, hubspot)
    save_watermark(settings, "crm", first.fetched.watermarks["crm"])
    first.close()
    # Newest record read: line item 60100000002, BASE + 312 min.
    assert first.fetched.watermarks["crm"] == datetime.fromisoformat("2026-11-01T05:12:00+00:00")
    hubspot.fake.edit("calls", "30100000002", 400, hs_call_status="COMPLETED")
    hubspot.fake.archive("meetings", "30300000002", 401)
    hubspot.fake.requests.clear()
    with staged_from(settings, hubspot) as second:
        searched = {r.path for r in hubspot.fake.requests if r.path.endswith("/search")}
        assert "/crm/v3/objects/calls/search" in searched
        # Read from the watermark less 10 minutes (BASE + 302 min): the edited call, meeting
        # 30300000001 (302) and the archived one (its own page); the emails, notes and tasks
        # read again give pages identical to the first run's, landed once (skipped).
        assert second.by_object()["activity"] == (3, 3, 0, 0)
        assert second.runs[("page-emails-00001.json", None)][0] == "skipped"
        rows = {r[0]: r for r in second.rows("activity", "source_id, status, is_deleted")}
        assert rows["30100000002"] == ("30100000002", "done", False)
        assert rows["30300000002"] == ("30300000002", "open", True)
        assert rows["30100000001"] == ("30100000001", "done", False)  # not re-read, kept
        assert len(rows) == 7


def test_tickets_follow_the_after_cursor(tmp_path: Path, hubspot: Harness) -> None:
    result = hubspot.fetch(tmp_path, objects=["tickets"], page_size=1)
    assert result.records == {"tickets": 2}
    pages = read_pages(tmp_path, "tickets")
    assert [[t["id"] for t in p] for p in pages] == [["40100000001"], ["40100000002"]]
    assert "after=40100000002" in hubspot.fake.requests[1].query
