"""Dynamics 365 deletions read incrementally through Web API change tracking.

A full read keeps each entity set's `@odata.deltaLink`; the next incremental read follows
it and gets the rows changed since plus a `$deletedEntity` entry (only the id) per deleted
row. The tombstone lands in staging as `is_deleted` on the record it names, not as a
reject for its missing name.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest
from connector_harness import Harness, read_pages
from fake_dynamics import SIZES, guid
from fakes_common import BASE
from relationship_harness import night

from ingest.connectors import FetchResult, RetryPolicy, fetch
from ingest.fetch import load_cursors, load_watermark
from ingest.pipeline import IngestResult
from kernel.connection import connect
from kernel.settings import Settings


def _fetch(h: Harness, out: Path, result: FetchResult | None = None, **api: Any) -> FetchResult:
    """A full read, or with `result` the incremental read that follows it (its watermark
    and delta links)."""
    return fetch(
        h.source(extract="incremental" if result else "full", **api),
        out,
        watermark=result.watermark if result else None,
        env={h.token_env: h.fake.token},
        retry=RetryPolicy(sleep=h.sleeps.append),
        cursors=result.cursors if result else None,
    )


def _ids(out: Path, obj: str) -> list[str]:
    return [r[f"{obj.removesuffix('s')}id"] for page in read_pages(out, obj) for r in page]


def test_full_read_keeps_one_delta_link_per_entity_set(dynamics: Harness, tmp_path: Path) -> None:
    result = _fetch(dynamics, tmp_path)
    assert {k: result.records[k] for k in SIZES} == SIZES
    # Every entity set read in full keeps its link (the relationship objects too).
    assert sorted(result.cursors) == sorted(result.records)
    assert set(SIZES) | {"phonecalls", "incidents"} <= set(result.cursors)
    link = result.cursors["accounts"]
    assert link.startswith(dynamics.url) and "$deltatoken=0" in link.replace("%24", "$")
    assert dynamics.fake.requests[0].headers["prefer"].endswith("odata.track-changes")


def test_incremental_follows_the_delta_link_and_reads_deletions(
    dynamics: Harness, tmp_path: Path
) -> None:
    first = _fetch(dynamics, tmp_path / "1", objects=["accounts"])
    dynamics.fake.delete("accounts", 7)
    dynamics.fake.edit("accounts", 8, minutes=400, name="Renamed SAS")
    dynamics.fake.add("accounts", 300, minutes=401)
    dynamics.fake.requests.clear()
    second = _fetch(dynamics, tmp_path / "2", first, objects=["accounts"])
    query = parse_qs(dynamics.fake.requests[0].query)
    assert "$deltatoken" in query and "$filter" not in query
    rows = {r["accountid"]: r for page in read_pages(tmp_path / "2", "accounts") for r in page}
    assert sorted(rows) == [guid(7), guid(8), guid(300)]
    assert second.records == {"accounts": 3}
    gone = rows[guid(7)]
    assert gone["is_deleted"] is True and gone["name"] is None
    # Same columns as a live row, so the page reads like any other.
    assert set(gone) == set(rows[guid(8)]) | {"is_deleted"}
    assert rows[guid(8)]["name"] == "Renamed SAS" and "is_deleted" not in rows[guid(8)]
    # The next link was handed on; with nothing changed, nothing is read.
    assert second.cursors["accounts"] != first.cursors["accounts"]
    third = _fetch(dynamics, tmp_path / "3", second, objects=["accounts"])
    assert third.records == {"accounts": 0}


def test_a_row_edited_during_the_full_read_comes_in_the_next_delta(
    dynamics: Harness, tmp_path: Path
) -> None:
    # Account 5 is on the first page; it is edited while the second page is asked for.
    dynamics.fake.at(2, lambda: dynamics.fake.edit("accounts", 5, minutes=500, name="Late"))
    first = _fetch(dynamics, tmp_path / "1", objects=["accounts"])
    ids = _ids(tmp_path / "1", "accounts")
    assert len(ids) == len(set(ids)) == 250
    _fetch(dynamics, tmp_path / "2", first, objects=["accounts"])
    [[late]] = read_pages(tmp_path / "2", "accounts")
    assert late["accountid"] == guid(5) and late["name"] == "Late"


def test_an_expired_delta_link_reads_the_set_in_full(
    dynamics: Harness, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    first = _fetch(dynamics, tmp_path / "1", objects=["accounts", "contacts"])
    dynamics.fake.edit("accounts", 8, minutes=400, name="Renamed SAS")
    dynamics.fake.delete("accounts", 9)
    dynamics.fake.oldest_token = 1  # the org's retention dropped the first read's version
    dynamics.fake.requests.clear()
    second = _fetch(dynamics, tmp_path / "2", first, objects=["accounts", "contacts"])
    assert "delta link is refused" in caplog.text
    # modifiedon would not show account 9's deletion: the set is read in full instead,
    # as a full extract (9 missing from it becomes deleted), and a new link is kept.
    assert all("$filter" not in parse_qs(r.query) for r in dynamics.fake.requests)
    ids = _ids(tmp_path / "2", "accounts")
    assert ids == [guid(i) for i in range(250) if i != 9]
    kinds = {p.name.split("-")[1]: second.kind_of(p) for p in second.files}
    assert kinds == {"accounts": "full", "contacts": "full"}  # both links had expired
    assert second.extract == "incremental"
    assert sorted(second.cursors) == ["accounts", "contacts"]
    assert second.cursors["accounts"] != first.cursors["accounts"]


def test_change_tracking_can_be_turned_off(dynamics: Harness, tmp_path: Path) -> None:
    result = _fetch(dynamics, tmp_path, objects=["accounts"], options={"change_tracking": False})
    assert result.cursors == {}
    assert "track-changes" not in dynamics.fake.requests[0].headers["prefer"]


# --- into staging ------------------------------------------------------------------------


def _settings(tmp_path: Path, h: Harness, extract: str = "incremental") -> Settings:
    api = {"base_url": h.url, "token_env": h.token_env, **h.api_defaults}
    source = {"name": "crm", "system": h.system, "role": "crm", "api": api, "extract": extract}
    return Settings(data_dir=tmp_path / "data", sources=[source])


def _accounted(result: IngestResult, obj: str) -> tuple[int, int, int]:
    files = [o for o in result.outcomes if o.object == obj]
    read = sum(o.rows_read for o in files)
    assert read == sum(o.rows_loaded + o.rows_rejected + o.rows_skipped for o in files)
    return read, sum(o.rows_loaded for o in files), sum(o.rows_rejected for o in files)


def _customers(settings: Settings) -> dict[str, tuple[str | None, bool]]:
    con = connect(settings.staging_db, read_only=True)
    try:
        rows = con.execute("select source_id, name, is_deleted from staging.customer").fetchall()
    finally:
        con.close()
    return {sid: (name, deleted) for sid, name, deleted in rows}


def test_a_deletion_marks_exactly_that_record_deleted_in_staging(
    tmp_path: Path, dynamics: Harness
) -> None:
    settings = _settings(tmp_path, dynamics)
    night(settings, dynamics)  # no state yet: a full read that keeps the delta links
    assert set(SIZES) <= set(load_cursors(settings, "crm"))
    before = _customers(settings)
    assert len(before) == 250 and not any(d for _, d in before.values())

    dynamics.fake.delete("accounts", 7)
    dynamics.fake.edit("accounts", 8, minutes=400, name="Renamed SAS")
    dynamics.fake.delete("contacts", 3)
    dynamics.fake.requests.clear()
    result = night(settings, dynamics)
    assert all("deltatoken" in r.query for r in dynamics.fake.requests), dynamics.fake.requests
    assert _accounted(result, "customer") == (2, 2, 0)  # the tombstone is not a reject
    after = _customers(settings)
    assert len(after) == 250
    assert [sid for sid, (_, d) in after.items() if d] == [guid(7)]
    # The deleted record keeps its last values; the edit replaced the other.
    assert after[guid(7)] == ("accounts 7", True)
    assert after[guid(8)] == ("Renamed SAS", False)
    assert {k: v for k, v in after.items() if k not in (guid(7), guid(8))} == {
        k: v for k, v in before.items() if k not in (guid(7), guid(8))
    }
    con = connect(settings.staging_db, read_only=True)
    try:
        contacts = con.execute("select source_id from staging.contact where is_deleted").fetchall()
    finally:
        con.close()
    assert contacts == [(guid(3),)]
    assert load_watermark(settings, "crm") == BASE + timedelta(minutes=400)

    # Nothing changed: the delta is empty and staging stays as it is.
    result = night(settings, dynamics)
    assert _accounted(result, "customer") == (0, 0, 0)
    assert _customers(settings) == after

    # A full extract still works: the 249 live accounts, the deleted one still flagged.
    full = _settings(tmp_path, dynamics, extract="full")
    result = night(full, dynamics)
    assert _accounted(result, "customer") == (249, 249, 0)
    assert _customers(full) == after


def test_a_live_row_without_its_required_name_is_still_rejected(
    tmp_path: Path, dynamics: Harness
) -> None:
    settings = _settings(tmp_path, dynamics)
    night(settings, dynamics)
    dynamics.fake.add("accounts", 300, minutes=400, name=None)
    result = night(settings, dynamics)
    assert _accounted(result, "customer") == (1, 0, 1)
    assert guid(300) not in _customers(settings)
