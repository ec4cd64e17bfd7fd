"""DuckDB connections and SQL files: the only module that opens DuckDB files."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import duckdb

SQL_DIR = Path(__file__).parent / "sql"


@cache
def sql(name: str) -> str:
    """Text of warehouse/sql/<name>.sql (e.g. 'schema/staging')."""
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


def connect(path: Path, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open a DuckDB file under the catalog name `wh`.

    The file is attached rather than opened directly because a file named after one of
    its schemas (staging.duckdb holds schema `staging`) makes `staging.x` ambiguous.
    """
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    # An in-memory connection would spill to ./.tmp of whatever folder we run in; spill
    # next to the file instead, as DuckDB does for a file it opens itself.
    con = duckdb.connect(config={"temp_directory": f"{path}.tmp"})
    con.execute(f"attach '{_path_literal(path)}' as wh" + (" (read_only)" if read_only else ""))
    con.execute("use wh")
    # Ordering of results and decimal arithmetic must not depend on thread scheduling.
    con.execute("set preserve_insertion_order = true")
    return con


def _path_literal(path: Path) -> str:
    return str(path).replace("'", "''")


def run_script(con: duckdb.DuckDBPyConnection, name: str) -> None:
    con.execute(sql(name))


def init_staging(con: duckdb.DuckDBPyConnection) -> None:
    run_script(con, "schema/meta")
    run_script(con, "schema/staging")
    run_script(con, "schema/staging_parts")
