"""The write-back stores: what c360 last wrote to each CRM field, and the log of writes.

- `data/writeback.duckdb`, table `writeback_state`: the last value the CRM confirmed per
  (source, record, field). Only `c360 writeback` writes it (under the nightly lock). The
  changes to send are one set-based query of the published snapshot (attached read-only,
  never written) against it: warehouse/sql/writeback/.
- `data/writeback_log.sqlite`, table `writeback_log`: every field written or tried, with
  the old and new value and the result. SQLite, because the API reads it for admins
  (GET /api/v1/writeback) while a run may be appending to it.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from warehouse.connection import connect, sql
from warehouse.settings import Settings
from warehouse.snapshots import current_snapshot
from warehouse.sqlfiles import run_file

_LOG_COLUMNS = (
    "run_id",
    "written_at",
    "customer_id",
    "source",
    "record_id",
    "field",
    "old_value",
    "new_value",
    "result",
    "message",
)


class WritebackStoreError(Exception):
    """Nothing to write from (no snapshot published) or a store that cannot be opened."""


@dataclass(frozen=True)
class Change:
    """One CRM field whose value differs from the last one written."""

    source: str
    record_id: str
    customer_id: str
    field: str
    field_key: str
    old_value: str | None
    new_value: str | None


@dataclass(frozen=True)
class Outcome:
    """What the CRM answered for one record's write (all its fields together)."""

    source: str
    record_id: str
    ok: bool
    message: str | None = None


class WritebackState:
    """The state file with the published snapshot attached read-only as `snap`."""

    def __init__(self, settings: Settings) -> None:
        snapshot = current_snapshot(settings.snapshots_dir)
        if snapshot is None:
            raise WritebackStoreError("no snapshot is published yet: run `c360 build` first")
        self.snapshot = snapshot
        self.settings = settings
        self.con: duckdb.DuckDBPyConnection = connect(settings.writeback_db, budget=settings.limits)
        try:
            run_file(self.con, "writeback/state")
            quoted = str(snapshot).replace("'", "''")
            self.con.execute(f"attach '{quoted}' as snap (read_only)")
        except duckdb.Error:
            self.con.close()
            raise

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> WritebackState:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def plan(self, fields: dict[str, dict[str, str]]) -> dict[str, tuple[int, int]]:
        """Compute the changes; per source (changed records, changed fields).

        `fields[source]` maps value keys to the source's CRM fields."""
        pairs = [(s, k, f) for s, mapping in fields.items() for k, f in mapping.items()]
        run_file(
            self.con,
            "writeback/field",
            {
                "field_source": [p[0] for p in pairs],
                "field_key": [p[1] for p in pairs],
                "field_name": [p[2] for p in pairs],
            },
        )
        run_file(
            self.con,
            "writeback/value",
            {"sources": sorted(fields), "dashboard_url": self.settings.dashboard_url},
        )
        run_file(self.con, "writeback/change")
        counts = self.con.execute(
            "select source, count(distinct record_id), count(*) from writeback_change "
            "group by source"
        ).fetchall()
        return {source: (int(records), int(n)) for source, records, n in counts}

    def changes(
        self, source: str | None = None, first: int = 1, last: int | None = None
    ) -> list[Change]:
        """The changes of records `first`..`last` of `source` (all sources: a preview)."""
        where: list[str] = ["record_no >= ?"]
        params: list[Any] = [first]
        if source is not None:
            where.append("source = ?")
            params.append(source)
        if last is not None:
            where.append("record_no <= ?")
            params.append(last)
        rows = self.con.execute(
            "select source, record_id, customer_id, field, field_key, old_value, new_value "
            f"from writeback_change where {' and '.join(where)} "
            "order by source, record_no, field",
            params,
        ).fetchall()
        return [Change(*row) for row in rows]

    def preview(self, limit: int) -> list[Change]:
        rows = self.con.execute(
            "select source, record_id, customer_id, field, field_key, old_value, new_value "
            "from writeback_change order by source, record_no, field limit ?",
            [limit],
        ).fetchall()
        return [Change(*row) for row in rows]

    def record(self, outcomes: list[Outcome], run_id: str, written_at: datetime) -> int:
        """Log every outcome's fields, then keep the confirmed ones as the last written.

        The log goes first: a crash between the two sends those values again next run
        (harmless, the same values) rather than losing the trace of a write.
        """
        run_file(
            self.con,
            "writeback/result",
            {
                "result_source": [o.source for o in outcomes],
                "result_record": [o.record_id for o in outcomes],
                "result_ok": [o.ok for o in outcomes],
                "result_message": [o.message for o in outcomes],
            },
        )
        params = {"run_id": run_id, "written_at": written_at}
        lines = self.con.execute(sql("writeback/log"), params).fetchall()
        append_log(self.settings.writeback_log_db, lines)
        self.con.execute("begin transaction")
        try:
            run_file(self.con, "writeback/apply", {"written_at": written_at})
            self.con.execute("commit")
        except duckdb.Error:
            self.con.execute("rollback")
            raise
        return len(lines)


def _open_log(path: Path) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    lite = sqlite3.connect(path, timeout=30)
    lite.execute("pragma journal_mode = wal")
    lite.executescript(sql("writeback/log_schema"))
    return lite


def append_log(path: Path, lines: list[tuple[Any, ...]]) -> None:
    if not lines:
        return
    marks = ", ".join("?" * len(_LOG_COLUMNS))
    insert = f"insert into writeback_log ({', '.join(_LOG_COLUMNS)}) values ({marks})"
    lite = _open_log(path)
    try:
        with lite:
            lite.executemany(insert, [_log_row(line) for line in lines])
    finally:
        lite.close()


def prune_log(path: Path, keep_from: datetime) -> int:
    """Delete the log lines written before `keep_from`; how many went."""
    if not path.exists():
        return 0
    lite = _open_log(path)
    try:
        with lite:
            return lite.execute(sql("writeback/log_prune"), (keep_from.isoformat(),)).rowcount
    finally:
        lite.close()


def _log_row(line: tuple[Any, ...]) -> tuple[Any, ...]:
    when = line[1]
    return (line[0], when.isoformat() if isinstance(when, datetime) else str(when), *line[2:])


def read_log(
    path: Path,
    *,
    source: str | None = None,
    customer_id: str | None = None,
    result: str | None = None,
    before: int | None = None,
    limit: int = 100,
) -> list[dict[str, Any]]:
    """Log lines, newest first, keyset paged on `log_id` (`before`: the last one seen)."""
    if not path.exists():
        return []
    where: list[str] = ["1 = 1"]
    params: list[Any] = []
    for column, value in (("source", source), ("customer_id", customer_id), ("result", result)):
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    if before is not None:
        where.append("log_id < ?")
        params.append(before)
    query = (
        f"select log_id, {', '.join(_LOG_COLUMNS)} from writeback_log "
        f"where {' and '.join(where)} order by log_id desc limit ?"
    )
    lite = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
    lite.row_factory = sqlite3.Row
    try:
        return [dict(row) for row in lite.execute(query, (*params, limit))]
    finally:
        lite.close()
