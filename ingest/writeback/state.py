"""The write-back state: what c360 last wrote to each CRM field.

`data/writeback.duckdb`, table `writeback_state`: the last value the CRM confirmed per
(source, record, field). Only `c360 writeback` writes it (under the nightly lock). The
changes to send are one set-based query of the published snapshot (attached read-only,
never written) against it: ingest/writeback/sql/. The log of every write is
kernel/writeback_log.py (the API reads it too).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from kernel.connection import connect, rollback
from kernel.settings import Settings
from kernel.snapshots import current_snapshot
from kernel.sqlfiles import SqlFolder
from kernel.writeback_log import append_log

_SQL = SqlFolder(Path(__file__).parent / "sql")
sql = _SQL.text
run_file = _SQL.run_file


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
            run_file(self.con, "state")
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
            "field",
            {
                "field_source": [p[0] for p in pairs],
                "field_key": [p[1] for p in pairs],
                "field_name": [p[2] for p in pairs],
            },
        )
        run_file(
            self.con,
            "value",
            {"sources": sorted(fields), "dashboard_url": self.settings.dashboard_url},
        )
        run_file(self.con, "change")
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
            "result",
            {
                "result_source": [o.source for o in outcomes],
                "result_record": [o.record_id for o in outcomes],
                "result_ok": [o.ok for o in outcomes],
                "result_message": [o.message for o in outcomes],
            },
        )
        params = {"run_id": run_id, "written_at": written_at}
        lines = self.con.execute(sql("log"), params).fetchall()
        append_log(self.settings.writeback_log_db, lines)
        self.con.execute("begin transaction")
        try:
            run_file(self.con, "apply", {"written_at": written_at})
            self.con.execute("commit")
        except duckdb.Error:
            rollback(self.con)
            raise
        return len(lines)
