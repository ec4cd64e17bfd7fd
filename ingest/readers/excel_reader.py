"""Spreadsheets (XLSX, XLS, ODS) through python-calamine, first sheet, as text columns.

calamine hands back Python values, so the conversion to text runs per cell (a slice of
rows at a time); spreadsheets stop at ~1M rows, and large extracts come as CSV or
Parquet, which stay in DuckDB.
"""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path

import duckdb
import pyarrow as pa
from python_calamine import CalamineWorkbook

from ingest.readers import ReadResult, UnreadableFile, dedupe_names, first_line
from ingest.readers import limits as bounds
from kernel.settings import LimitsConfig


def _text(v: object) -> str | None:
    if v is None or v == "":
        return None
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        # Identifiers typed as numbers in Excel (SIRET 73282932000074.0) keep their digits.
        return str(int(v)) if v.is_integer() and abs(v) < 1e16 else repr(v)
    if isinstance(v, datetime):
        return v.isoformat(sep=" ")
    if isinstance(v, date | time):
        return v.isoformat()
    return str(v)


# Rows turned into Python values and text at a time: a sheet of millions of cells (under
# limits.spreadsheet_max_cells) goes to DuckDB in slices, so the Python objects of only
# one slice are alive at once (all at once, 4.9M cells peaked at 1.2 GB).
BATCH_ROWS = 50_000


def read(
    con: duckdb.DuckDBPyConnection, path: Path, table: str, *, limits: LimitsConfig | None = None
) -> ReadResult:
    limits = limits or LimitsConfig()
    bounds.check_spreadsheet(path, limits)
    try:
        book = CalamineWorkbook.from_path(str(path))
        sheet = book.get_sheet_by_index(0)
        rows = sheet.iter_rows()
        # iter_rows may pad the rows above the data (to_python's skip_empty_area does
        # not): the header is the first row with a value.
        header = next((r for r in rows if any(c not in (None, "") for c in r)), None)
    except Exception as exc:  # calamine raises its own error types per format
        raise UnreadableFile(
            f"{path.name}: cannot be read as a spreadsheet: {first_line(exc)}"
        ) from exc
    if header is None:
        raise UnreadableFile(f"{path.name}: the first sheet is empty")
    bounds.check_rows(path, sheet.height - 1, limits)
    bounds.check_columns(path, len(header), limits)
    names = dedupe_names([_text(c) or "" for c in header])
    width = len(names)
    loaded = 0
    created = False

    def flush(lines: list[int], cols: list[list[str | None]]) -> None:
        nonlocal created
        arrow = pa.table(
            {
                "_line": pa.array(lines, pa.int64()),
                **{n: pa.array(c, pa.string()) for n, c in zip(names, cols, strict=True)},
            }
        )
        con.register(f"{table}__arrow", arrow)
        if created:
            con.execute(f"insert into {table} select * from {table}__arrow")
        else:
            con.execute(f"create or replace temp table {table} as select * from {table}__arrow")
            created = True
        con.unregister(f"{table}__arrow")

    cols: list[list[str | None]] = [[] for _ in range(width)]
    lines: list[int] = []
    for i, row in enumerate(rows, start=2):
        if all(c in (None, "") for c in row):
            continue
        lines.append(i)
        for j in range(width):
            cols[j].append(_text(row[j]) if j < len(row) else None)
        if len(lines) >= BATCH_ROWS:
            loaded += len(lines)
            flush(lines, cols)
            cols, lines = [[] for _ in range(width)], []
    if lines or not created:
        loaded += len(lines)
        flush(lines, cols)
    return ReadResult(table, names, loaded)
