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
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path), read_only=read_only)
    # Ordering of results and decimal arithmetic must not depend on thread scheduling.
    con.execute("set preserve_insertion_order = true")
    return con


def run_script(con: duckdb.DuckDBPyConnection, name: str) -> None:
    con.execute(sql(name))


def init_staging(con: duckdb.DuckDBPyConnection) -> None:
    run_script(con, "schema/meta")
    run_script(con, "schema/staging")
