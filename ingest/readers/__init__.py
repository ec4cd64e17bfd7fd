"""Readers turn one extract file into a DuckDB temp table of text columns.

Every reader returns a `ReadResult`: the temp table (all VARCHAR, plus `_line`), the
header as found, and the rows the parser itself could not read (with line and reason).
The rows the parser could not read stay in a temp table (`rejects_table`: `_line`, `raw`,
`reason`) so they reach meta.reject set-based. A file that cannot be read at all raises
`UnreadableFile` with a message for a person.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypedDict, Unpack

import duckdb

from kernel.errors import C360Error

if TYPE_CHECKING:
    from collections.abc import Callable

    from ingest.readers.csv_reader import TextFile
    from kernel.settings import LimitsConfig

# Delimited text, read by `csv_reader` (a FEC is often .txt, an SAP extract .dat).
DELIMITED = (".csv", ".txt", ".tsv", ".dat", "")


class UnreadableFile(C360Error):
    """The whole file is refused (unknown format, truncated, undecodable, empty)."""


@dataclass(frozen=True)
class Rescan:
    """A table function that reads a landed file again exactly as it was read (its UTF-8
    copy when it came in another encoding): raw.* is then a view on the file."""

    path: str
    scan: str
    numbered: bool = False  # the scan gives each row's `_line` itself (multi-line records)


@dataclass
class ReadResult:
    table: str
    columns: list[str]
    rows: int
    encoding: str | None = None
    delimiter: str | None = None
    rejects_table: str | None = None  # parser rejects: _line, raw, reason
    rescan: Rescan | None = None  # set for plain delimited files, one record per line


class TextOptions(TypedDict, total=False):
    """How to read a delimited text file (the defaults are `csv_reader.read`'s)."""

    encoding: str
    fallback_encoding: str
    delimiter: str
    quote: str
    keep_dir: Path | None


def read_file(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    table: str,
    *,
    work_dir: Path,
    limits: LimitsConfig | None = None,
    in_one_pass: Callable[[TextFile], ReadResult | None] | None = None,
    **text: Unpack[TextOptions],
) -> ReadResult:
    """Dispatch on the file's extension. `keep_dir` keeps a UTF-8 copy of a transcoded
    delimited file (next to the landed original) so raw.* can read it again. `limits`
    (default: the settings' defaults) bound what one file may cost (see `limits`).

    `in_one_pass` is given a delimited file once its header is known, before its records
    are read: when it reads them itself (typed in the read, see `ingest.single_read`), its
    result is the file's and no table of text is made; None reads them here as usual.
    Such a file is taken as UTF-8 from its head (`csv_reader.prepare(presume_utf8=)`): the
    one-pass parse proves the rest; a file it gives back is checked whole before its read."""
    from ingest.readers import csv_reader, excel_reader, json_reader, parquet_reader
    from kernel.settings import LimitsConfig

    limits = limits or LimitsConfig()

    suffix = path.suffix.lower()
    if suffix in DELIMITED:
        one_pass = in_one_pass is not None
        tf = csv_reader.prepare(
            path, work_dir=work_dir, limits=limits, presume_utf8=one_pass, **text
        )
        done = in_one_pass(tf) if in_one_pass else None
        if done:
            return done
        if tf.utf8_unproven:
            # Read the usual way, the file is first checked whole (it may be in cp1252
            # after a UTF-8 head, or mix both, which the one-pass parse only rejected).
            tf = csv_reader.prepare(path, work_dir=work_dir, limits=limits, **text)
        return csv_reader.load(con, tf, table, keep_dir=text.get("keep_dir"), limits=limits)
    if suffix in (".xlsx", ".xls", ".xlsm", ".xlsb", ".ods"):
        return excel_reader.read(con, path, table, limits=limits)
    if suffix in (".json", ".ndjson", ".jsonl"):
        return json_reader.read(con, path, table, work_dir=work_dir)
    if suffix == ".parquet":
        return parquet_reader.read(con, path, table, limits=limits)
    raise UnreadableFile(
        f"{path.name}: unsupported file type {suffix!r} "
        "(expected .csv, .txt, .xlsx, .xls, .ods, .json, .ndjson or .parquet)"
    )


def first_line(exc: BaseException) -> str:
    """DuckDB's error without its hints and parser state: the first line, for a person."""
    text = str(exc).strip().splitlines()
    return text[0].strip() if text else type(exc).__name__


def dedupe_names(names: list[str]) -> list[str]:
    """Header names made unique and non-empty (HubSpot repeats headers)."""
    out: list[str] = []
    seen: dict[str, int] = {}
    for i, raw in enumerate(names):
        name = raw.replace("\ufeff", "").strip() or f"_column_{i + 1}"
        key = name.lower()
        if key in seen:
            seen[key] += 1
            name = f"{name} ({seen[key]})"
        else:
            seen[key] = 1
        out.append(name)
    return out
