"""JSON arrays and NDJSON (connector pages, iPaaS pushes) read by DuckDB as text columns.

The file is scanned twice: once to learn the keys, then with every scalar key read as
VARCHAR, so values reach the typing step exactly as sent ("2019-10-30T03:30:17.883Z",
"000123") instead of DuckDB's guess (a TIMESTAMPTZ, an integer). Nested values
(HubSpot associations, Odoo many2one pairs) stay as JSON text.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from ingest.readers import ReadResult, UnreadableFile, first_line
from kernel.sqlquote import quote_ident

MAX_OBJECT = 67108864
# Keys of the envelope that POST /inbound/{source} lands (api/inbound.py): the records
# pushed by Zapier, Make or Workato are inside `records`.
PUSH_ENVELOPE = {"idempotency_key", "records", "received_at"}


def _unwrap_push(con: duckdb.DuckDBPyConnection, path: Path, work_dir: Path) -> Path:
    """The pushed records of an inbound envelope, as NDJSON written by DuckDB."""
    work_dir.mkdir(parents=True, exist_ok=True)
    # Pushes landed before they were checked at the door may hold `{}` or bare values:
    # say so in words rather than with the JSON reader's binder message.
    counted = con.execute(
        "select count(*), count(*) filter (where json_type(r) <> 'OBJECT' "
        "or len(json_keys(r)) = 0) from (select unnest(records) as r "
        "from read_json(?, columns = {'records': 'JSON[]'}))",
        [str(path)],
    ).fetchone()
    total, bad = counted if counted else (0, 0)
    if not total:
        raise UnreadableFile(f"{path.name}: the push holds no records")
    if bad:
        raise UnreadableFile(
            f"{path.name}: {bad} of the {total} pushed records are empty or not JSON objects"
        )
    out = work_dir / f"{path.stem}.records.ndjson"
    con.execute(
        "copy (select unnest(records) from read_json(?, columns = {'records': 'JSON[]'})) "
        f"to '{str(out).replace(chr(39), chr(39) * 2)}' "
        "(format csv, header false, quote '', escape '', delimiter '\x01')",
        [str(path)],
    )
    return out


def read(
    con: duckdb.DuckDBPyConnection, path: Path, table: str, *, work_dir: Path | None = None
) -> ReadResult:
    if path.stat().st_size == 0:
        raise UnreadableFile(f"{path.name}: the file is empty")
    fmt = "newline_delimited" if path.suffix.lower() in (".ndjson", ".jsonl") else "auto"
    try:
        rel = con.sql(
            "select * from read_json(?, format = ?, records = true, maximum_object_size = ?)",
            params=[str(path), fmt, MAX_OBJECT],
        )
        names = list(rel.columns)
        if set(names) >= PUSH_ENVELOPE and work_dir is not None:
            return read(con, _unwrap_push(con, path, work_dir), table)
        types = [str(t) for t in rel.types]
        columns = {
            n: "JSON" if t.startswith(("STRUCT", "MAP")) or t.endswith("]") else "VARCHAR"
            for n, t in zip(names, types, strict=True)
        }
        con.execute(
            f"create or replace temp table {table} as "
            "select cast(row_number() over () as bigint) as _line, * from read_json("
            "?, format = ?, records = true, maximum_object_size = ?, columns = ?)",
            [str(path), fmt, MAX_OBJECT, columns],
        )
    except duckdb.Error as exc:
        raise UnreadableFile(f"{path.name}: not valid JSON records: {first_line(exc)}") from exc
    for n, t in columns.items():  # per column, not per row: JSON text stays text
        if t == "JSON":
            con.execute(f"alter table {table} alter column {quote_ident(n)} type varchar")
    rows = con.execute(f"select count(*) from {table}").fetchone()[0]  # type: ignore[index]
    return ReadResult(table, names, int(rows))
