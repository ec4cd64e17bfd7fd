"""The raw layer: `raw.<source>__<object>`, every column as text, as received.

A delimited file the parser read whole (nothing refused) is not copied: the raw relation
is a view that reads the landed file again (or its UTF-8 copy beside it when it came in
another encoding), so the bronze layer is the landed file itself and the night does not
write the rows twice. When quoted cells hold line breaks, the view numbers the physical
lines itself when read (`meta.raw_file.numbered`). Other files (spreadsheets, JSON,
Parquet, delimited files with parser rejects) are copied into `raw.<source>__<object>__rows`.
The view is the union of both, rebuilt when a file is added; `meta.raw_file` lists the
files it reads.
"""

from __future__ import annotations

import logging
from pathlib import Path

import duckdb

from ingest.readers import Rescan
from kernel.sqlquote import quote_ident
from kernel.sqlquote import quote_literal as _literal

logger = logging.getLogger(__name__)

RAW_FILE_DDL = """
create table if not exists meta.raw_file (
    source   varchar not null,
    object   varchar not null,
    run_id   varchar not null,
    file     varchar not null,
    path     varchar not null,  -- the landed file (or its UTF-8 copy) the view reads
    scan     varchar not null,  -- the table function that reads it again
    numbered boolean default false  -- the scan gives `_line` (records spanning lines)
);
alter table meta.raw_file add column if not exists numbered boolean default false;
"""


def _rows_table(source: str, obj: str) -> str:
    return f"raw.{quote_ident(f'{source}__{obj}__rows')}"


def store(
    con: duckdb.DuckDBPyConnection,
    source: str,
    obj: str,
    run_id: str,
    file: str,
    columns: list[str],
    file_table: str,
    rescan: Rescan | None,
) -> None:
    """Record one file's rows in the raw layer (a view branch, or a copy)."""
    con.execute(RAW_FILE_DDL)
    if rescan is not None:
        con.execute(
            "insert into meta.raw_file (source, object, run_id, file, path, scan, numbered) "
            "values (?, ?, ?, ?, ?, ?, ?)",
            [source, obj, run_id, file, rescan.path, rescan.scan, rescan.numbered],
        )
    else:
        table = _rows_table(source, obj)
        con.execute(
            f"create table if not exists {table} (_run_id varchar, _file varchar, _line bigint)"
        )
        for col in columns:
            con.execute(f"alter table {table} add column if not exists {quote_ident(col)} varchar")
        con.execute(
            f"insert into {table} by name select ? as _run_id, ? as _file, * from {file_table}",
            [run_id, file],
        )
    refresh_view(con, source, obj)


def refresh_view(con: duckdb.DuckDBPyConnection, source: str, obj: str) -> None:
    branches: list[str] = []
    rows_table = _rows_table(source, obj)
    has_rows = con.execute(
        "select count(*) from duckdb_tables() where schema_name = 'raw' and table_name = ?",
        [f"{source}__{obj}__rows"],
    ).fetchone()
    if has_rows and has_rows[0]:
        branches.append(f"select * from {rows_table}")
    files = con.execute(
        "select run_id, file, path, scan, coalesce(numbered, false) from meta.raw_file "
        "where source = ? and object = ? order by run_id, file",
        [source, obj],
    ).fetchall()
    for run_id, file, path, scan, numbered in files:
        if not Path(path).exists():
            # Landing was pruned or moved: the view keeps what can still be read.
            logger.warning("raw %s__%s: landed file %s is gone", source, obj, path)
            continue
        line = "" if numbered else "cast(row_number() over () + 1 as bigint) as _line, "
        branches.append(
            f"select {_literal(run_id)} as _run_id, {_literal(file)} as _file, {line}* from {scan}"
        )
    if not branches:
        con.execute(f"drop view if exists raw.{quote_ident(f'{source}__{obj}')}")
        return
    view = f"raw.{quote_ident(f'{source}__{obj}')}"
    con.execute(f"drop view if exists {view}")
    con.execute(f"create view {view} as " + " union all by name ".join(branches))


def refresh_all(con: duckdb.DuckDBPyConnection) -> None:
    """Rebuild every raw view (at the start of a run: landing may have been pruned)."""
    con.execute(RAW_FILE_DDL)
    for source, obj in con.execute(
        "select distinct source, object from meta.raw_file order by all"
    ).fetchall():
        refresh_view(con, source, obj)
