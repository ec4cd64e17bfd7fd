"""Behaviour the relationship objects (tickets, activities, payments) share across
vendors, one table row per vendor: a source without the object's entity set or model
costs only that object, and a 429 on one of them waits its Retry-After.

The vendor-specific exact rows stay in tests/integration/connectors/test_*_relationship.py.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from connector_harness import Harness
from relationship_harness import settings_for, staged_from

# Per vendor: the store entry removed, the one warning it gives, and the activities that
# still come through (read, loaded, rejected, skipped).
WITHOUT_TICKETS: dict[str, tuple[str, str, tuple[int, int, int, int]]] = {
    "dynamics": (
        "incidents",
        "Dynamics 365: skipping incidents: the org has no such entity set "
        "(Resource not found for the segment 'incidents'. [0x80060888])",
        (4, 4, 0, 0),
    ),
    "odoo": (
        "helpdesk.ticket",
        "Odoo: skipping helpdesk.ticket: the database has no such model "
        "(model helpdesk.ticket not found)",
        (6, 6, 0, 0),
    ),
}

# Per vendor: the object, the fake's injected 429 (Odoo's on search_read, after
# fields_get), the records read and the one wait.
RATE_LIMITED: dict[str, tuple[str, dict[str, Any], int, float]] = {
    "hubspot": ("meetings", {"retry_after": "7"}, 2, 7.0),
    "dynamics": ("incidents", {"retry_after": "3"}, 2, 3.0),
    "odoo": ("account.payment", {"retry_after": "2", "skip": 1}, 3, 2.0),
}


@pytest.mark.parametrize("name", WITHOUT_TICKETS)
def test_a_source_without_tickets_costs_only_tickets(
    tmp_path: Path, name: str, request: pytest.FixtureRequest, caplog: pytest.LogCaptureFixture
) -> None:
    vendor: Harness = request.getfixturevalue(name)
    missing, warning, activities = WITHOUT_TICKETS[name]
    del vendor.fake.store[missing]
    with (
        caplog.at_level(logging.WARNING),
        staged_from(settings_for(tmp_path / "data", vendor), vendor) as staged,
    ):
        assert list(staged.fetched.skipped["crm"]) == [missing]
        skips = [r.getMessage() for r in caplog.records if "skipping" in r.getMessage()]
        assert skips == [warning]
        counts = staged.by_object()
        assert "ticket" not in counts and counts["activity"] == activities


@pytest.mark.parametrize("name", RATE_LIMITED)
def test_rate_limit_on_a_relationship_object_waits_retry_after(
    tmp_path: Path, name: str, request: pytest.FixtureRequest
) -> None:
    vendor: Harness = request.getfixturevalue(name)
    obj, injected, records, wait = RATE_LIMITED[name]
    vendor.fake.inject("429", **injected)
    result = vendor.fetch(tmp_path, objects=[obj])
    assert result.records == {obj: records}
    assert vendor.sleeps == [wait]
