"""The CSV reader on its own: encodings, physical line numbers, parser rejects, truncation."""

from __future__ import annotations

import codecs
from pathlib import Path

import duckdb
import pytest

from ingest.readers import ReadResult, UnreadableFile, csv_reader
from ingest.readers import encoding as charset


def _read(
    tmp_path: Path, data: bytes, fallback: str = "cp1252"
) -> tuple[duckdb.DuckDBPyConnection, ReadResult]:
    path = tmp_path / "f.csv"
    path.write_bytes(data)
    con = duckdb.connect()
    return con, csv_reader.read(con, path, "t", fallback_encoding=fallback, work_dir=tmp_path / "w")


def test_lines_are_physical_lines_around_multiline_cells_and_rejects(tmp_path: Path) -> None:
    data = (
        b"id,name,note\n"  # 1
        b'1,"two\nlines",x\n'  # 2-3
        b'2,"bad"q,x\n'  # 4: unterminated quote
        b'3,"three\nmore\nlines",x\n'  # 5-7
        b"4,too,many,fields\n"  # 8
        b"5,ok,x\n"  # 9
    )
    con, rr = _read(tmp_path, data)
    assert rr.rows == 3
    assert con.execute("select id, _line from t order by _line").fetchall() == [
        ("1", 2),
        ("3", 5),
        ("5", 9),
    ]
    rejects = con.execute(f"select _line, raw, reason from {rr.rejects_table}").fetchall()
    assert [(r[0], r[1]) for r in rejects] == [(4, '2,"bad"q,x'), (8, "4,too,many,fields")]
    assert "quote" in rejects[0][2] and "too many fields" in rejects[1][2]


def test_one_reject_per_record_even_with_many_missing_fields(tmp_path: Path) -> None:
    con, rr = _read(tmp_path, b"a;b;c;d;e\n1;2;3;4;5\n6;7\n8;9;10;11;12\n")
    assert con.execute(f"select _line, reason from {rr.rejects_table}").fetchall() == [
        (3, "too few fields: expected number of columns: 5 found: 2")
    ]


@pytest.mark.parametrize(
    "data",
    [b'id,name\n1,"Alpha"\n2,"Be', b"id,name,city\n1,Alpha,Lyon\n2,Beta"],
)
def test_cut_files_are_refused_as_truncated(tmp_path: Path, data: bytes) -> None:
    with pytest.raises(UnreadableFile, match="truncated"):
        _read(tmp_path, data)


def test_last_line_without_line_break_is_fine(tmp_path: Path) -> None:
    con, rr = _read(tmp_path, b"id,name\n1,Alpha\n2,Beta")
    assert rr.rows == 2


def test_encodings(tmp_path: Path) -> None:
    con, rr = _read(tmp_path, "id;nom\n1;Société\n".encode("cp1252"))
    assert (rr.encoding, rr.delimiter) == ("cp1252", ";")
    assert con.execute("select nom from t").fetchone() == ("Société",)
    con, rr = _read(tmp_path, codecs.BOM_UTF16_LE + "id\tnom\r\n1\tKöln\r\n".encode("utf-16-le"))
    assert (rr.encoding, rr.delimiter) == ("utf-16", "\t")
    assert con.execute("select nom from t").fetchone() == ("Köln",)
    con, rr = _read(tmp_path, "id|lib\n1|CAFÉ €\n".encode("iso-8859-15"), "iso-8859-15")
    assert con.execute("select lib from t").fetchone() == ("CAFÉ €",)
    assert not list((tmp_path / "w").iterdir())  # transcoded copies are removed


def test_nul_bytes_are_refused_with_a_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes("id,name\n1,x\n".encode("utf-16-le"))
    with pytest.raises(UnreadableFile, match="UTF-16 without a byte-order mark"):
        charset.detect(path)
