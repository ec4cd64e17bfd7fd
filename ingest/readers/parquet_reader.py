"""Parquet extracts, read by DuckDB; every column cast to text like any other extract."""

from __future__ import annotations

from pathlib import Path

import duckdb

from ingest.readers import ReadResult, UnreadableFile, first_line
from ingest.readers import limits as bounds
from kernel.settings import LimitsConfig
from kernel.sqlquote import quote_ident


def read(
    con: duckdb.DuckDBPyConnection, path: Path, table: str, *, limits: LimitsConfig | None = None
) -> ReadResult:
    limits = limits or LimitsConfig()
    try:
        rel = con.sql("select * from read_parquet(?)", params=[str(path)])
        names = list(rel.columns)
        bounds.check_columns(path, len(names), limits)
        # The footer's row count: known before a row is read.
        declared = con.execute(
            "select coalesce(sum(num_rows), 0) from parquet_file_metadata(?)", [str(path)]
        ).fetchone()
        bounds.check_rows(path, int(declared[0]) if declared else 0, limits)
        casts = ", ".join(f"cast({quote_ident(n)} as varchar) as {quote_ident(n)}" for n in names)
        # The footer can be sound and the data pages corrupt: that shows only here.
        con.execute(
            f"create or replace temp table {table} as "
            f"select cast(row_number() over () as bigint) as _line, {casts} from rel"
        )
    except duckdb.Error as exc:
        raise UnreadableFile(
            f"{path.name}: not a readable Parquet file: {first_line(exc)}"
        ) from exc
    rows = con.execute(f"select count(*) from {table}").fetchone()[0]  # type: ignore[index]
    return ReadResult(table, names, int(rows))
