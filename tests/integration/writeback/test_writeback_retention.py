"""writeback.log_retention_days: each write-back run (not a dry run) deletes the log lines
older than the retention, in one statement; the recent lines and the state stay."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from writeback_project import make_project
from writeback_vendor import Vendor

from ingest.writeback import run_writeback
from kernel.writeback_log import append_log


def _line(days_ago: int, record: str) -> tuple[object, ...]:
    when = datetime.now(UTC).replace(tzinfo=None) - timedelta(days=days_ago)
    return (
        "wb-old",
        when,
        "C0000001",
        "hub",
        record,
        "c360_outstanding",
        "1.00",
        "2.00",
        "ok",
        None,
    )


def _records(path: Path) -> list[str]:
    lite = sqlite3.connect(path)
    try:
        return [r[0] for r in lite.execute("select record_id from writeback_log order by log_id")]
    finally:
        lite.close()


def test_old_log_lines_go_at_each_run(tmp_path: Path, hubspot: Vendor) -> None:
    project = make_project(tmp_path, {"hubspot": hubspot})
    log = project.settings.writeback_log_db
    append_log(log, [_line(500, "old-500"), _line(399, "old-399"), _line(10, "old-10")])
    dry = run_writeback(project.settings, env=project.env(), dry_run=True)
    assert dry.pruned == 0 and _records(log) == ["old-500", "old-399", "old-10"]

    first = run_writeback(project.settings, env=project.env())
    assert first.ok and first.pruned == 1  # default 400 days
    kept = _records(log)
    assert kept[:2] == ["old-399", "old-10"] and set(kept[2:]) == {"1001", "1002", "1003"}
    written = len(kept) - 2

    config = project.root / "c360.toml"
    text = config.read_text(encoding="utf-8")
    config.write_text(
        text.replace("[writeback]\n", "[writeback]\nlog_retention_days = 30\n"), encoding="utf-8"
    )
    # nothing to send, the retention still applies
    second = run_writeback(project.settings, env=project.env())
    assert second.pruned == 1 and hubspot.fake.writes == 1
    assert _records(log)[0] == "old-10" and len(_records(log)) == 1 + written
