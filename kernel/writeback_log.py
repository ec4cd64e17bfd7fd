"""The log of write-backs: every CRM field written or tried, with its old and new value.

`data/writeback_log.sqlite`, table `writeback_log`. SQLite, because the API reads it for
admins (GET /api/v1/writeback) while a `c360 writeback` run may be appending to it; both
sides use this module, so the log's shape is written once.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path
from typing import Any

from kernel.sqlfiles import KERNEL_SQL

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


def _open_log(path: Path) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    lite = sqlite3.connect(path, timeout=30)
    lite.execute("pragma journal_mode = wal")
    lite.executescript(KERNEL_SQL.text("writeback/log_schema"))
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
            return lite.execute(
                KERNEL_SQL.text("writeback/log_prune"), (keep_from.isoformat(),)
            ).rowcount
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
