"""Facts kept across builds in history.duckdb: id registry, redirects, balances, order
statuses seen, build log.

Only the build writes it. It is attached to the snapshot being built as `hist`; the id
registry and balances are updated only once the snapshot passed its checks, so a failed
build changes nothing but the build log.
"""

from __future__ import annotations

import json
import logging
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb

from kernel.connection import connect, rollback
from kernel.sqlquote import quote_literal
from warehouse.sqlfiles import run_file, sql

logger = logging.getLogger(__name__)

ALIAS = "hist"

# What a build that passed its checks records, in this order (warehouse/sql/history/):
# the ids a record leaves go to id_history before id_registry takes the new ones.
COMMIT_STEPS = ("id_history", "id_registry", "id_redirect", "order_status", "balance_history")


def attach(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Attach history.duckdb read-write as `hist`, creating its tables when new."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # ATTACH takes no bound parameters; the path comes from Settings, quotes escaped.
    con.execute(f"attach {quote_literal(path)} as {ALIAS}")
    con.execute(sql("schema/history"))


def commit(con: duckdb.DuckDBPyConnection, build_id: str, as_of: date) -> None:
    """Record this build's ids, redirects and balances (after its checks passed)."""
    con.execute("begin transaction")
    try:
        for step in COMMIT_STEPS:
            run_file(con, f"history/{step}", {"build_id": build_id, "as_of": as_of})
        con.execute("commit")
    except Exception:
        rollback(con)
        raise


def log_build(
    con: duckdb.DuckDBPyConnection,
    *,
    build_id: str,
    started_at: datetime,
    status: str,
    message: str,
    checks: list[dict[str, Any]],
    counts: dict[str, int],
    finished_at: datetime | None = None,
) -> None:
    run_file(
        con,
        "history/build_log",
        {
            "build_id": build_id,
            "started_at": started_at,
            "finished_at": finished_at,
            "status": status,
            "message": message,
            "checks": json.dumps(checks),
            "counts": json.dumps(counts),
        },
    )


def log_failure(
    history_db: Path,
    *,
    build_id: str,
    started_at: datetime,
    message: str,
    finished_at: datetime | None,
) -> None:
    """Record a build that failed, on a connection of its own (the build's may be broken)."""
    con = duckdb.connect()
    try:
        attach(con, history_db)
        log_build(
            con,
            build_id=build_id,
            started_at=started_at,
            status="failed",
            message=message,
            checks=[],
            counts={},
            finished_at=finished_at,
        )
    finally:
        con.close()


def build_log(history_db: Path) -> list[dict[str, Any]]:
    """Every build recorded in history.duckdb, newest first (for the CLI and tests)."""
    if not history_db.exists():
        return []
    con = connect(history_db, read_only=True)
    try:
        cur = con.execute("select * from build_log order by build_id desc")
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
    finally:
        con.close()
