"""Delimited text files (CSV, TXT, FEC) read by DuckDB as text, never inferred types.

DuckDB's type sniffing would turn SIRETs and SAP keys into integers (leading zeros lost)
and amounts into floats, so every column is read as VARCHAR and typed later, on purpose.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import duckdb

from ingest.readers import ParseReject, ReadResult, UnreadableFile, dedupe_names
from ingest.readers import encoding as charset

DELIMITERS = (";", ",", "\t", "|")


def _first_record(text_path: Path) -> tuple[str, str]:
    """The header line and the file's last character (to spot a truncated file)."""
    with open(text_path, encoding="utf-8-sig", newline="") as fh:
        head = fh.readline()
    with open(text_path, "rb") as fh:
        fh.seek(0, 2)
        size = fh.tell()
        fh.seek(max(0, size - 1))
        last = fh.read(1).decode("latin-1") if size else ""
    return head, last


def sniff_delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def read(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    table: str,
    *,
    encoding: str = "auto",
    fallback_encoding: str = "cp1252",
    delimiter: str = "auto",
    work_dir: Path,
) -> ReadResult:
    if path.stat().st_size == 0:
        raise UnreadableFile(f"{path.name}: the file is empty")
    enc = charset.detect(path, encoding, fallback_encoding)
    text_path = path
    if enc not in ("utf-8", "utf-8-sig"):
        text_path = _transcode(path, enc, work_dir)
    header_line, last_char = _first_record(text_path)
    if not header_line.strip():
        raise UnreadableFile(f"{path.name}: the first line is empty; expected a header line")
    delim = sniff_delimiter(header_line) if delimiter == "auto" else delimiter
    names = dedupe_names(next(csv.reader(io.StringIO(header_line), delimiter=delim)))
    # FEC files end every line with the separator: a trailing unnamed column.
    columns = {n: "VARCHAR" for n in names}
    rejects_table = f"{table}__rejects"
    con.execute(f"drop table if exists {table}")
    con.execute(f"drop table if exists {rejects_table}")
    try:
        con.execute(
            f"""
            create temp table {table} as
            select cast(row_number() over () + 1 as bigint) as _line, *
            from read_csv(
                ?, delim = ?, quote = '"', escape = '"', header = true,
                columns = ?, auto_detect = false, ignore_errors = true,
                store_rejects = true, rejects_table = '{rejects_table}',
                rejects_scan = '{rejects_table}_scan', max_line_size = 10000000,
                encoding = ?
            )
            """,
            [str(text_path), delim, columns, "utf-16" if enc == "utf-16" else "utf-8"],
        )
    except duckdb.Error as exc:
        raise UnreadableFile(f"{path.name}: cannot be read as delimited text: {exc}") from exc
    raw_rejects = con.execute(
        f"select line, csv_line, error_type, error_message from {rejects_table} order by line"
    ).fetchall()
    rows = con.execute(f"select count(*) from {table}").fetchone()[0]  # type: ignore[index]
    total_lines = rows + len(raw_rejects)
    if raw_rejects and last_char not in ("\n", "\r"):
        last_line = raw_rejects[-1]
        if last_line[2] in ("UNQUOTED VALUE", "MISSING COLUMNS", "LINE SIZE OVER MAXIMUM") and (
            last_line[0] >= total_lines
        ):
            raise UnreadableFile(
                f"{path.name}: the file is truncated (its last record, line {last_line[0]}, "
                "is incomplete); ask for a complete export"
            )
    rejects = [
        ParseReject(
            line=int(r[0]), raw=str(r[1]).rstrip("\r\n"), reason=_reason(r[2], r[3], len(names))
        )
        for r in raw_rejects
    ]
    if rows == 0 and rejects:
        raise UnreadableFile(
            f"{path.name}: no record could be read with separator {delim!r}: {rejects[0].reason}"
        )
    return ReadResult(table, names, rows, enc, delim, rejects)


def _transcode(path: Path, enc: str, work_dir: Path) -> Path:
    work_dir.mkdir(parents=True, exist_ok=True)
    if enc == "utf-16":
        return path  # DuckDB reads UTF-16 itself
    return charset.to_utf8(path, enc, work_dir / (path.name + ".utf8.csv"))


def _reason(kind: str, message: str, expected: int) -> str:
    if kind == "MISSING COLUMNS":
        return f"too few fields: {message.lower()}"
    if kind == "TOO MANY COLUMNS":
        return f"too many fields: {message.lower()}"
    if kind == "UNQUOTED VALUE":
        return "unterminated or misplaced quote"
    if kind == "INVALID UNICODE":
        return "invalid characters for the file's encoding"
    return f"{kind.lower()}: {message}"
