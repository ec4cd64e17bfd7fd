"""Checked, atomic publication: failed checks, rollback, retention, crash leftovers."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import duckdb
import pytest
from warehouse_fixtures import insert, snapshot, staging

from kernel.settings import Settings
from kernel.snapshots import current_snapshot, list_snapshots
from warehouse.build import build, last_builds
from warehouse.checks import run_checks
from warehouse.publish import PublishError, rollback


def test_published_snapshot_passes_the_same_checks(reference: duckdb.DuckDBPyConnection) -> None:
    assert run_checks(reference) == []


def test_failed_checks_leave_current_unchanged(staging_factory: Callable[..., Settings]) -> None:
    settings = staging_factory()
    good = build(settings)
    assert good.published
    assert re.fullmatch(r"\d{8}T\d{12}Z", good.build_id)

    with staging(settings) as con:
        insert(con, "invoice", source="erp", source_id="BAD", customer_source_id="E2", invoice_number="X-1", kind="proforma", status="posted", amount_open=1)  # fmt: skip
    bad = build(settings)
    assert not bad.published
    assert bad.snapshot is None
    assert [f.name for f in bad.failed_checks] == ["invoice_kind_accepted"]
    assert "CURRENT unchanged" in bad.message
    assert current_snapshot(settings.snapshots_dir) == good.snapshot
    assert list_snapshots(settings.snapshots_dir) == [good.snapshot]
    assert [p.name for p in settings.snapshots_dir.glob(".*.tmp*")] == []
    log = last_builds(settings)
    assert [(r["build_id"], r["status"]) for r in log] == [
        (bad.build_id, "failed"),
        (good.build_id, "published"),
    ]
    assert log[0]["checks"][0]["name"] == "invoice_kind_accepted"

    with staging(settings) as con:
        con.execute("delete from staging.invoice where source_id = 'BAD'")
    fixed = build(settings)
    assert fixed.published and fixed.snapshot is not None
    with snapshot(fixed.snapshot) as snap:
        rows = snap.execute("select build_id, status, checks from meta.build order by 1").fetchall()
    assert [(r[0], r[1]) for r in rows] == [
        (good.build_id, "published"),
        (bad.build_id, "failed"),
        (fixed.build_id, "published"),
    ]
    assert json.loads(rows[1][2])[0]["row_count"] == 1


def test_retention_rollback_and_crash_leftovers(
    staging_factory: Callable[..., Settings],
) -> None:
    settings = staging_factory(with_seed=False, snapshots_keep=2)
    with staging(settings) as con:
        insert(con, "customer", source="erp", source_id="E1", name="Solo")
    folder = settings.snapshots_dir
    folder.mkdir(parents=True)
    leftover = folder / ".20260101T000000000000Z.duckdb.tmp"
    leftover.write_bytes(b"half a snapshot")
    (folder / ".20260101T000000000000Z.duckdb.tmp.wal").write_bytes(b"x")

    results = [build(settings) for _ in range(3)]
    assert all(r.published for r in results)
    assert not leftover.exists()
    assert [p.name for p in folder.glob(".*.tmp*")] == []
    kept = list_snapshots(folder)
    assert kept == [results[1].snapshot, results[2].snapshot]
    assert current_snapshot(folder) == results[2].snapshot

    assert rollback(settings) == results[1].snapshot
    assert current_snapshot(folder) == results[1].snapshot
    with pytest.raises(PublishError):
        rollback(settings)
