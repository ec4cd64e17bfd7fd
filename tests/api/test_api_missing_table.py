"""A table missing from the served snapshot is an error (500, one-line shape, logged),
never an empty answer; a table a query declares optional (`needs`) still reads as none."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from api.errors import SnapshotIncomplete, error_body
from api.snapshot import Snapshot, SnapshotReader


def _reader() -> SnapshotReader:
    con = duckdb.connect()
    con.execute("create schema mart")
    con.execute("create table mart.alert (customer_id varchar)")
    snap = Snapshot(
        path=Path("20261201T020000000000Z.duckdb"),
        con=con,
        tables=frozenset({"mart.alert"}),
        published_at=None,
        catalog="memory",
    )
    return SnapshotReader(snap)


def test_a_missing_table_is_a_logged_500_not_no_data(caplog: pytest.LogCaptureFixture) -> None:
    reader = _reader()
    with caplog.at_level("ERROR", logger="api.snapshot"), pytest.raises(SnapshotIncomplete) as exc:
        reader.run("select * from mart.customer_360")
    status, body, _ = error_body(exc.value)
    assert status == 500
    assert body["code"] == "snapshot_incomplete"
    assert "20261201T020000000000Z" in body["message"] and "\n" not in body["message"]
    [logged] = [r for r in caplog.records if r.levelname == "ERROR"]
    assert "customer_360" in logged.getMessage()


def test_a_table_declared_optional_still_reads_as_none() -> None:
    reader = _reader()
    assert reader.run("select * from mart.customer_360", needs=["mart.customer_360"]) == []
    assert reader.run("select * from mart.alert") == []
