"""Dynamics 365 activitypointer and incident pages; salesorder._quoteid_value."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tests.unit.ingest.profiles.conftest import Load

ACCOUNT = "6f0a1c2e-1111-4a2b-9c3d-00000000a001"
CONTACT = "6f0a1c2e-1111-4a2b-9c3d-00000000c001"


def test_dynamics365_activities_and_incidents(load: Load) -> None:
    db = load("dynamics365", "dynamics365_activities")
    assert db.runs() == {
        ("page-activitypointers-00001.json", "activity"): ("loaded", 4, 4, 0, 0),
        ("page-incidents-00001.json", "ticket"): ("loaded", 2, 2, 0, 0),
        ("page-salesorders-00001.json", "sales_order"): ("loaded", 1, 1, 0, 0),
    }
    assert db.rejects() == []
    # Regarding an opportunity: kept for the build to link through the opportunity.
    assert [r[1] for r in db.rows("activity", "source_id, opportunity_source_id")] == [
        None,
        None,
        None,
        "7a7a7a7a-0000-0000-0000-000000000001",
    ]
    # activitytypecode gives the type; the regarding lookup's logical name says account or
    # contact (an opportunity is neither); a completed call is dated by actualend, an open
    # task by its due date, a scheduled appointment (statecode 3) is open; GUIDs lower-cased.
    assert db.rows(
        "activity",
        "source_id, customer_source_id, contact_source_id, kind, subject, occurred_at, status, "
        "outcome, owner",
    ) == [
        ("a1000000-0000-0000-0000-000000000001", ACCOUNT, None, "call", "Relance",
         datetime(2026, 3, 2, 9, 20), "done", "Made", "Claire Petit"),
        ("a1000000-0000-0000-0000-000000000002", None, CONTACT, "meeting", "Démo",
         datetime(2026, 4, 10, 12, 0), "open", "Busy", "Claire Petit"),
        ("a1000000-0000-0000-0000-000000000003", ACCOUNT, None, "task", "Envoyer contrat",
         datetime(2026, 2, 28, 17, 0), "open", "Not Started", "Claire Petit"),
        ("a1000000-0000-0000-0000-000000000004", None, None, "email", "Devis",
         datetime(2026, 2, 21, 8, 0), "cancelled", "Canceled", "Claire Petit"),
    ]  # fmt: skip
    # prioritycode 1 High / 3 Low; a resolved case (statecode 1) closed at its modifiedon.
    assert db.rows(
        "ticket",
        "source_id, customer_source_id, contact_source_id, ticket_number, subject, status, "
        "priority, opened_at, closed_at",
    ) == [
        ("1c1c1c1c-0000-0000-0000-000000000001", ACCOUNT, None, "CAS-01001-A1B2C3",
         "Machine à l'arrêt", "open", "high", datetime(2026, 3, 4, 8, 0), None),
        ("1c1c1c1c-0000-0000-0000-000000000002", None, CONTACT, "CAS-01002-D4E5F6",
         "Question tarif", "closed", "low", datetime(2026, 1, 5, 8, 0),
         datetime(2026, 1, 7, 15, 30)),
    ]  # fmt: skip
    assert db.rows("sales_order", "source_id, quote_source_id") == [
        ("50505050-0000-0000-0000-000000000009", "q0000000-0000-0000-0000-000000000001")
    ]
