"""Limits on what one extract may cost, checked before the expensive work.

A 50 MB file that is one line, 100,000 columns, or a 1 MB zip that inflates to gigabytes
would each take gigabytes of memory in DuckDB's parser or python-calamine. Each check
here streams the file in bounded chunks (no per-row Python) and raises `UnreadableFile`
with one line naming the limit and the setting that raises it.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ingest.readers import UnreadableFile
from kernel.settings import LimitsConfig

ZIPPED_SHEETS = (".xlsx", ".xlsm", ".ods")
# How a cell starts in each zipped format's XML (an empty `<c/>` is a cell too).
CELL_TAGS = (b"<c ", b"<c>", b"<c/>", b"<table:table-cell", b"<table:covered-table-cell")
READ = 1 << 20
# An ODS row or cell may stand for many (`table:number-rows-repeated`,
# `table:number-columns-repeated`): a few hundred bytes can name millions of cells, which
# python-calamine then builds one by one. A cell counts with its repeats when it holds a
# value; the empty repeats LibreOffice writes to the sheet's edge hold none.
ODS_TAG = re.compile(rb"<table:(table-row|table-cell|covered-table-cell)\b([^>]*)>")
ROWS_REPEATED = re.compile(rb'number-rows-repeated="(\d+)"')
COLUMNS_REPEATED = re.compile(rb'number-columns-repeated="(\d+)"')


@dataclass(frozen=True)
class LineBreaks:
    """What `check_text` counted on its way: the file's line breaks, and how many of them
    end it (a run of LFs after its last character that is not one; all of them when the
    file holds nothing else). `empty`: the file has no byte at all."""

    count: int
    trailing: int
    empty: bool


def check_text(path: Path, text_path: Path, limits: LimitsConfig) -> LineBreaks:
    """Line length and line count of a delimited file (its LF-only UTF-8 copy).

    Read in chunks of the line limit: a line inside one chunk is shorter than the limit,
    so only a line running across chunk boundaries is measured. The line breaks are
    counted on the way, so no other pass over the file needs to count them."""
    limit = limits.max_line_bytes
    run = lines = 0  # bytes since the last line break; line breaks so far
    trailing, empty = 0, True
    with open(text_path, "rb") as fh:
        while chunk := fh.read(limit):
            empty = False
            first = chunk.find(b"\n")
            run += len(chunk) if first < 0 else first
            if run > limit:
                raise UnreadableFile(
                    f"{path.name}: line {lines + 1} is longer than {limit:,} bytes "
                    "(limits.max_line_bytes); is it really a delimited export?"
                )
            if first >= 0:
                lines += chunk.count(b"\n")
                run = len(chunk) - chunk.rfind(b"\n") - 1
            kept = len(chunk.rstrip(b"\n"))
            trailing = len(chunk) - kept + (trailing if kept == 0 else 0)
            if lines > limits.max_rows_per_file:
                _too_many_rows(path, limits)
    return LineBreaks(lines, trailing, empty)


def check_columns(path: Path, count: int, limits: LimitsConfig) -> None:
    if count > limits.max_columns:
        raise UnreadableFile(
            f"{path.name}: {count:,} columns, more than {limits.max_columns:,} (limits.max_columns)"
        )


def check_rows(path: Path, count: int, limits: LimitsConfig) -> None:
    if count > limits.max_rows_per_file:
        _too_many_rows(path, limits)


def _too_many_rows(path: Path, limits: LimitsConfig) -> None:
    raise UnreadableFile(
        f"{path.name}: more than {limits.max_rows_per_file:,} rows "
        "(limits.max_rows_per_file); split the export"
    )


def check_spreadsheet(path: Path, limits: LimitsConfig) -> None:
    """A zipped spreadsheet's declared sizes, then its actual inflated bytes and cells,
    streamed before python-calamine opens it (a zip bomb lies in its declared sizes or
    inflates a few KB of repeated XML into gigabytes). An .xls (not zipped) is bounded
    by its own format (65,536 rows x 256 columns) and its size on disk."""
    if path.suffix.lower() not in ZIPPED_SHEETS:
        if path.stat().st_size > limits.spreadsheet_max_bytes:
            _too_big(path, limits)
        return
    try:
        with zipfile.ZipFile(path) as zf:
            members = zf.infolist()
            if sum(m.file_size for m in members) > limits.spreadsheet_max_bytes:
                _too_big(path, limits)
            inflated = cells = 0
            for m in members:
                if not m.filename.endswith(".xml"):
                    continue
                tail = b""
                with zf.open(m) as fh:
                    if path.suffix.lower() == ".ods" and m.filename == "content.xml":
                        inflated += _ods_cells(path, fh, limits, inflated)
                        continue
                    while chunk := fh.read(READ):
                        inflated += len(chunk)
                        if inflated > limits.spreadsheet_max_bytes:
                            _too_big(path, limits)
                        data = tail + chunk
                        cells += sum(data.count(tag) for tag in CELL_TAGS)
                        if cells > limits.spreadsheet_max_cells:
                            _too_many_cells(path, limits)
                        # A tag cut by the chunk boundary is counted in the next chunk only.
                        tail = data[-24:]
                        cells -= sum(tail.count(tag) for tag in CELL_TAGS)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError) as exc:
        raise UnreadableFile(f"{path.name}: cannot be read as a spreadsheet: {exc}") from exc


def _too_many_cells(path: Path, limits: LimitsConfig) -> None:
    raise UnreadableFile(
        f"{path.name}: more than {limits.spreadsheet_max_cells:,} "
        "cells (limits.spreadsheet_max_cells); export it as CSV"
    )


def _ods_cells(path: Path, fh: Any, limits: LimitsConfig, inflated: int) -> int:
    """Stream an ODS content.xml counting its valued cells with their row and column
    repeats; returns the bytes read. Stops at the first limit passed, so the work is
    bounded by the limits, not by the file."""
    cells = read = 0
    row_repeat = 1
    tail = b""
    while chunk := fh.read(READ):
        read += len(chunk)
        if inflated + read > limits.spreadsheet_max_bytes:
            _too_big(path, limits)
        data = tail + chunk
        end = 0
        for tag in ODS_TAG.finditer(data):
            end = tag.end()
            attributes = tag.group(2)
            if tag.group(1) == b"table-row":
                found = ROWS_REPEATED.search(attributes)
                row_repeat = int(found.group(1)) if found else 1
            elif b"value-type" in attributes:
                found = COLUMNS_REPEATED.search(attributes)
                cells += row_repeat * (int(found.group(1)) if found else 1)
                if cells > limits.spreadsheet_max_cells:
                    _too_many_cells(path, limits)
        # A tag cut by the chunk's end is read whole with the next chunk.
        cut = data.rfind(b"<", end)
        tail = data[cut:] if cut >= 0 and b">" not in data[cut:] else b""
    return read


def _too_big(path: Path, limits: LimitsConfig) -> None:
    raise UnreadableFile(
        f"{path.name}: inflates to more than {limits.spreadsheet_max_bytes:,} bytes "
        "(limits.spreadsheet_max_bytes): a zip bomb, or an export too large for a "
        "spreadsheet; export it as CSV"
    )
