"""JSON arrays and NDJSON (connector pages, iPaaS pushes) read by DuckDB as text columns."""

from __future__ import annotations

from pathlib import Path

import duckdb

from ingest.profile import quote_ident
from ingest.readers import ReadResult, UnreadableFile


def read(con: duckdb.DuckDBPyConnection, path: Path, table: str) -> ReadResult:
    fmt = "newline_delimited" if path.suffix.lower() in (".ndjson", ".jsonl") else "auto"
    try:
        rel = con.sql(
            "select * from read_json(?, format = ?, records = true, maximum_object_size = 67108864)",
            params=[str(path), fmt],
        )
        names = list(rel.columns)
    except duckdb.Error as exc:
        raise UnreadableFile(f"{path.name}: not valid JSON records: {exc}") from exc
    types = [str(t) for t in rel.types]
    # Nested values (HubSpot associations, Odoo many2one pairs) stay as JSON text.
    casts = ", ".join(
        f"{quote_ident(n)}"
        if t == "VARCHAR"
        else f"cast(to_json({quote_ident(n)}) as varchar) as {quote_ident(n)}"
        if t.startswith(("STRUCT", "MAP", "JSON")) or t.endswith("[]")
        else f"cast({quote_ident(n)} as varchar) as {quote_ident(n)}"
        for n, t in zip(names, types, strict=True)
    )
    con.execute(
        f"create or replace temp table {table} as "
        f"select cast(row_number() over () as bigint) as _line, {casts} from rel"
    )
    rows = con.execute(f"select count(*) from {table}").fetchone()[0]  # type: ignore[index]
    return ReadResult(table, names, int(rows))
