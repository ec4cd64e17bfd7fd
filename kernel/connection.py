"""DuckDB connections and SQL files: the only module that opens DuckDB files."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from kernel.sqlfiles import KERNEL_SQL
from kernel.sqlquote import quote_literal

if TYPE_CHECKING:
    from kernel.settings import LimitsConfig


def connect(
    path: Path, *, read_only: bool = False, budget: LimitsConfig | None = None
) -> duckdb.DuckDBPyConnection:
    """Open a DuckDB file under the catalog name `wh`.

    The file is attached rather than opened directly because a file named after one of
    its schemas (staging.duckdb holds schema `staging`) makes `staging.x` ambiguous.
    `budget` (the nightly's connections) caps DuckDB's memory and spill space: past the
    memory limit it spills to the temp directory, past the temp size it fails the
    statement (one file refused, or the build not published), never the machine.
    """
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    # An in-memory connection would spill to ./.tmp of whatever folder we run in; spill
    # next to the file instead, as DuckDB does for a file it opens itself.
    config: dict[str, str | bool | int | float | list[str]] = {"temp_directory": f"{path}.tmp"}
    if budget is not None:
        if budget.duckdb_temp_directory is not None:
            config["temp_directory"] = str(budget.duckdb_temp_directory)
        config["memory_limit"] = budget.duckdb_memory_limit
        config["max_temp_directory_size"] = budget.duckdb_max_temp_size
    con = duckdb.connect(config=config)
    con.execute(f"attach {quote_literal(path)} as wh" + (" (read_only)" if read_only else ""))
    con.execute("use wh")
    # Ordering of results and decimal arithmetic must not depend on thread scheduling.
    con.execute("set preserve_insertion_order = true")
    return con


def init_staging(con: duckdb.DuckDBPyConnection) -> None:
    """The staging file's schemas: the contract between ingest (writer) and the build."""
    for name in ("schema/meta", "schema/staging", "schema/staging_parts", "schema/staging_owner"):
        con.execute(KERNEL_SQL.text(name))


def rollback(con: duckdb.DuckDBPyConnection) -> None:
    """Roll back, when a transaction is still open: a failed commit (a full disk, say) has
    already ended it, and the error to report is the commit's, not that there is nothing
    to roll back."""
    with contextlib.suppress(duckdb.TransactionException):
        con.execute("rollback")
