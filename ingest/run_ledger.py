"""The run ledger: `meta.ingest_run` (one row per file and object) and `meta.reject` (one
row per refused record). This module is their only writer and owns their invariant:

    rows_read = rows_loaded + rows_rejected + rows_skipped

Counts are set once by `count_typed`, then move between the columns only through `reclassify` (loaded rows a later step
rejects or skips), and `record_files` refuses a file whose counts do not add up: the
source's transaction then rolls back and the run records it as failed, rather than a
ledger that loses rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, Literal, Protocol

import duckdb

from kernel.errors import C360Error

_INSERT_FILE = """
insert into meta.ingest_run (run_id, source, file, object, status, rows_read, rows_loaded,
    rows_rejected, rows_skipped, message, sha256, bytes, extract_kind, started_at, finished_at)
values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
"""
_INSERT_FAILURE = """
insert into meta.ingest_run (run_id, source, file, status, message, started_at, finished_at)
values (?, ?, '*', 'failed', ?, ?, ?)
"""


class LedgerError(C360Error):
    """A file's counts do not add up: the ledger would lose (or invent) rows."""

    hint = "this is a bug in c360's ingest: report it with the file; nothing was loaded"


class FileCounts(Protocol):
    """What the ledger reads of a file's outcome (ingest.pipeline.FileOutcome)."""

    source: str
    file: str
    object: str | None
    status: str
    rows_read: int
    rows_loaded: int
    rows_rejected: int
    rows_skipped: int
    message: str | None
    sha256: str | None
    bytes: int | None
    extract_kind: str | None
    started_at: datetime


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def unbalanced(o: FileCounts) -> str | None:
    """Why a file's counts break the invariant, or None when they add up."""
    counts = (o.rows_read, o.rows_loaded, o.rows_rejected, o.rows_skipped)
    if min(counts) < 0:
        return f"negative count in read/loaded/rejected/skipped {counts}"
    if o.rows_read != o.rows_loaded + o.rows_rejected + o.rows_skipped:
        return (
            f"read {o.rows_read} != loaded {o.rows_loaded} + rejected {o.rows_rejected} "
            f"+ skipped {o.rows_skipped}"
        )
    return None


def count_typed(o: FileCounts, *, parsed: int, parse_rejects: int, in_scope: int, bad: int) -> None:
    """A file's first counts for one object: the rows the parser kept (`parsed`) and
    refused (`parse_rejects`), the kept rows in the object's scope (`in_scope`, the others
    are skipped) and those of them typing rejected (`bad`)."""
    o.rows_read = parsed + parse_rejects
    o.rows_skipped = parsed - in_scope
    o.rows_rejected = parse_rejects + bad
    o.rows_loaded = in_scope - bad
    why = unbalanced(o)
    if why:
        raise LedgerError(f"{o.source}/{o.file} ({o.object or 'no object'}): {why}")


def reclassify(o: FileCounts, rows: int, as_: Literal["rejected", "skipped"]) -> None:
    """Loaded rows a later step rejects or skips (duplicates, older copies, erased
    persons): they leave `rows_loaded`, so rows_read stays accounted for."""
    o.rows_loaded -= rows
    if as_ == "rejected":
        o.rows_rejected += rows
    else:
        o.rows_skipped += rows


def record_files(
    con: duckdb.DuckDBPyConnection, run_id: str, outcomes: Iterable[FileCounts]
) -> None:
    """One `meta.ingest_run` row per file and object; refuses the lot when one file's
    counts do not add up (inside the source's transaction, so nothing is half written)."""
    outcomes = list(outcomes)
    if not outcomes:
        return
    for o in outcomes:
        why = unbalanced(o)
        if why:
            raise LedgerError(f"{o.source}/{o.file} ({o.object or 'no object'}): {why}")
    now = _now()
    con.executemany(
        _INSERT_FILE,
        [
            [
                run_id,
                o.source,
                o.file,
                o.object,
                o.status,
                o.rows_read,
                o.rows_loaded,
                o.rows_rejected,
                o.rows_skipped,
                o.message,
                o.sha256,
                o.bytes,
                o.extract_kind,
                o.started_at,
                now,
            ]
            for o in outcomes
        ],
    )


def record_failure(con: duckdb.DuckDBPyConnection, run_id: str, source: str, message: str) -> None:
    """One `failed` row for a source whose run was rolled back as a whole."""
    now = _now()
    con.execute(_INSERT_FAILURE, [run_id, source, message, now, now])


def add_rejects(
    con: duckdb.DuckDBPyConnection,
    select: str,
    params: Sequence[Any] | Mapping[str, Any] = (),
) -> None:
    """Append to `meta.reject` the rows of `select` (run_id, source, file, object, line,
    raw, reason): a query over the rows at hand, set-based, never a loop per row."""
    con.execute(f"insert into meta.reject {select}", params)
