"""Bounded resources: each limit refuses a small generated hostile file in one line,
before the expensive work, and the other files of the night still load."""

from __future__ import annotations

import zipfile
from pathlib import Path

import duckdb
import pytest
from ingest_fixtures import inbox_of, make_settings, ods_row, write_ods, write_xlsx

from ingest.pipeline import ingest
from ingest.readers import UnreadableFile, read_file
from kernel.connection import connect
from kernel.settings import LimitsConfig

GOOD = b'"Record ID","Company name"\n"1","Alpha"\n'


def _one_refused(tmp_path: Path, name: str, body: bytes | None = None, **limits: int) -> str:
    settings = make_settings(tmp_path, "hubspot", name="crm")
    settings.limits = LimitsConfig(**limits)
    inbox = inbox_of(settings)
    (inbox / "good.csv").write_bytes(GOOD)
    if body is not None:
        (inbox / name).write_bytes(body)
    result = ingest(settings)
    assert {o.file: o.status for o in result.outcomes if o.object != "contact"}["good.csv"] == (
        "loaded"
    )
    [refused] = result.refused
    assert refused.file == name and "\n" not in (refused.message or "")
    return refused.message or ""


def test_a_5_mb_csv_of_one_line_is_refused(tmp_path: Path) -> None:
    message = _one_refused(tmp_path, "one_line.csv", b"a;" * (5 << 19))
    assert "line 1 is longer than 1,048,576 bytes (limits.max_line_bytes)" in message


def test_a_long_line_deep_in_a_file_is_found(tmp_path: Path) -> None:
    body = GOOD + b'"2","' + b"x" * 5000 + b'"\n' + b'"3","Gamma"\n'
    message = _one_refused(tmp_path, "long.csv", body, max_line_bytes=1024)
    assert "line 3 is longer than 1,024 bytes" in message


def test_a_20k_column_csv_is_refused(tmp_path: Path) -> None:
    header = ",".join(f"c{i}" for i in range(20_000)).encode()
    message = _one_refused(tmp_path, "wide.csv", header + b"\n" + b"1," * 19_999 + b"1\n")
    assert "20,000 columns, more than 2,000 (limits.max_columns)" in message


def test_rows_per_file(tmp_path: Path) -> None:
    body = b'"Record ID","Company name"\n' + b"".join(b'"%d","x"\n' % i for i in range(50))
    message = _one_refused(tmp_path, "many.csv", body, max_rows_per_file=20)
    assert "more than 20 rows (limits.max_rows_per_file)" in message


def _zip_bomb(path: Path, inflated: int) -> None:
    """An xlsx whose sheet inflates from a few KB to `inflated` bytes of blank XML."""
    write_xlsx(path, [["Record ID", "Company name"], ["1", "Alpha"]])
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/worksheets/padding.xml", b" " * inflated)


def test_an_xlsx_zip_bomb_is_refused_from_its_declared_sizes(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.xlsx"
    _zip_bomb(bomb, 300 << 20)
    assert bomb.stat().st_size < 1 << 20
    message = _one_refused(tmp_path, "bomb.xlsx", bomb.read_bytes())
    assert "inflates to more than 268,435,456 bytes (limits.spreadsheet_max_bytes)" in message


def test_a_zip_bomb_lying_about_its_sizes_is_stopped_while_inflating(tmp_path: Path) -> None:
    bomb = tmp_path / "liar.xlsx"
    _zip_bomb(bomb, 4 << 20)
    data = bytearray(bomb.read_bytes())
    with zipfile.ZipFile(bomb) as zf:
        info = zf.getinfo("xl/worksheets/padding.xml")
    # The central directory's uncompressed size (offset 24 of its entry) says 1 KB.
    entry = data.rfind(b"PK\x01\x02", 0, data.rfind(b"xl/worksheets/padding.xml"))
    data[entry + 24 : entry + 28] = (1024).to_bytes(4, "little")
    assert info.file_size == 4 << 20
    # zipfile inflates no more than the declared size, so the lie shows as a bad CRC:
    # refused before python-calamine (which might believe it) opens the file.
    with pytest.raises(
        UnreadableFile, match="liar2.xlsx: cannot be read as a spreadsheet: Bad CRC"
    ):
        read_file(
            duckdb.connect(),
            _write(tmp_path / "liar2.xlsx", bytes(data)),
            "t",
            work_dir=tmp_path,
            limits=LimitsConfig(spreadsheet_max_bytes=1 << 20),
        )


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_spreadsheet_cells(tmp_path: Path) -> None:
    rows: list[list[object]] = [["Record ID", "Company name"], *([i, "x"] for i in range(60))]
    write_xlsx(tmp_path / "cells.xlsx", rows)
    message = _one_refused(
        tmp_path, "cells.xlsx", (tmp_path / "cells.xlsx").read_bytes(), spreadsheet_max_cells=100
    )
    assert "more than 100 cells (limits.spreadsheet_max_cells)" in message


def test_the_nightly_connection_has_a_memory_and_disk_budget(tmp_path: Path) -> None:
    budget = LimitsConfig(
        duckdb_memory_limit="256MB", duckdb_max_temp_size="1GB", duckdb_temp_directory=tmp_path
    )
    con = connect(tmp_path / "x.duckdb", budget=budget)
    got = con.execute(
        "select current_setting('memory_limit'), current_setting('max_temp_directory_size'), "
        "current_setting('temp_directory')"
    ).fetchone()
    assert got == ("244.1 MiB", "953.6 MiB", str(tmp_path))


def test_a_value_past_max_value_bytes_rejects_its_row_only(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, "hubspot", name="crm")
    settings.limits = LimitsConfig(max_value_bytes=1000)
    inbox = inbox_of(settings)
    # 1,000 bytes is within the limit; 1,001 (500 two-byte "é" and one "x") is past it.
    body = (
        '"Record ID","Company name"\n"1","Alpha"\n'
        f'"2","{"a" * 1000}"\n"3","{"é" * 500}x"\n"4","Delta"\n'
    ).encode()
    (inbox / "companies.csv").write_bytes(body)
    result = ingest(settings)
    [outcome] = [o for o in result.outcomes if o.object == "customer"]
    assert (outcome.rows_read, outcome.rows_loaded, outcome.rows_rejected) == (4, 3, 1)
    con = connect(settings.staging_db, read_only=True)
    try:
        reasons = con.execute("select line, reason from meta.reject").fetchall()
        names = con.execute("select name from staging.customer order by source_id").fetchall()
    finally:
        con.close()
    assert reasons == [(4, "name is longer than 1000 bytes")]
    assert [len(n) for (n,) in names] == [5, 1000, 5]


def test_an_ods_whose_repeats_name_millions_of_cells_is_refused(tmp_path: Path) -> None:
    # Under 1 KB zipped: one row of 100 valued cells repeated 100,000 times is 10M cells,
    # which python-calamine would build one by one (1.6 GB measured).
    repeated = (
        '<table:table-row table:number-rows-repeated="100000">'
        '<table:table-cell table:number-columns-repeated="100" office:value-type="string">'
        "<text:p>x</text:p></table:table-cell></table:table-row>"
    )
    bomb = tmp_path / "bomb.ods"
    write_ods(bomb, [ods_row("Record ID", "Company name"), repeated])
    assert bomb.stat().st_size < 2048
    message = _one_refused(tmp_path, "bomb.ods", bomb.read_bytes())
    assert "more than 2,000,000 cells (limits.spreadsheet_max_cells)" in message


def test_an_ods_with_libreoffice_s_empty_repeats_to_the_sheet_edge_loads(
    tmp_path: Path,
) -> None:
    # LibreOffice writes the rest of the sheet as empty repeated rows and cells: they hold
    # no value, so they count for nothing against the limit.
    edge = (
        '<table:table-row table:number-rows-repeated="1048573">'
        '<table:table-cell table:number-columns-repeated="1024"/></table:table-row>'
    )
    sheet = tmp_path / "companies.ods"
    write_ods(
        sheet,
        [ods_row("Record ID", "Company name"), ods_row("1", "Alpha"), ods_row("2", "Beta"), edge],
    )
    settings = make_settings(tmp_path, "hubspot", name="crm")
    inbox = inbox_of(settings)
    (inbox / sheet.name).write_bytes(sheet.read_bytes())
    result = ingest(settings)
    assert not result.refused, [o.message for o in result.refused]
    [outcome] = [o for o in result.outcomes if o.object == "customer"]
    assert (outcome.rows_read, outcome.rows_loaded) == (2, 2)
