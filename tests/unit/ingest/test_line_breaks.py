"""Line breaks and 8-bit charsets of delimited files, normalised in one streaming pass.

The pass reads 1 MiB chunks; here chunks of a few bytes put a CR at the end of a chunk
and its LF at the start of the next, which must still be one line break.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from ingest.readers import UnreadableFile, csv_reader
from ingest.readers import encoding as charset

TEXT = 'Nom;Montant\nBœuf & Cœur;1,00\n"PETIT" ŒUVRE;2,50\nÉté €;3,00\n'
ENDINGS = {
    "lf": ["\n"],
    "crlf": ["\r\n"],
    "cr cr lf": ["\r\r\n"],
    "cr": ["\r"],
    "mixed": ["\n", "\r\n", "\r\r\n", "\r"],
}


def _with(endings: list[str]) -> str:
    lines = TEXT.splitlines()
    return "".join(line + endings[i % len(endings)] for i, line in enumerate(lines))


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "iso-8859-15", "cp1252", "utf-16"])
@pytest.mark.parametrize("chunk", [3, 4, 5, 1 << 20])
@pytest.mark.parametrize("endings", ENDINGS.values(), ids=ENDINGS.keys())
def test_any_line_break_becomes_one_lf(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, encoding: str, chunk: int, endings: list[str]
) -> None:
    monkeypatch.setattr(charset, "CHUNK", chunk)
    src = tmp_path / "in.csv"
    src.write_bytes(_with(endings).encode(encoding))
    out = charset.to_utf8(src, encoding, tmp_path / "out.csv")
    text = out.read_bytes().decode("utf-8-sig")
    assert text == TEXT
    assert "\r" not in text


def test_utf8_with_lf_only_is_read_in_place(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_bytes(TEXT.encode())
    assert charset.to_utf8(src, "utf-8", tmp_path / "out.csv") == src
    assert not (tmp_path / "out.csv").exists()


def test_long_runs_of_cr_are_one_line_break() -> None:
    assert charset._lf("a\r\r\r\r\nb\r\r\nc\r\nd\re") == "a\nb\nc\nd\ne"
    assert charset._lf(b"a\r\r\r\r\nb\r\r\nc\r\nd\re") == b"a\nb\nc\nd\ne"


def test_cp1252_under_an_iso_8859_15_fallback(tmp_path: Path) -> None:
    cp = tmp_path / "cp.csv"
    cp.write_bytes(TEXT.encode("cp1252"))  # œ is 0x9C, € 0x80: C1 codes in ISO-8859-15
    iso = tmp_path / "iso.csv"
    iso.write_bytes(TEXT.encode("iso-8859-15"))
    assert charset.detect(cp, "auto", "iso-8859-15") == "cp1252"
    assert charset.detect(iso, "auto", "iso-8859-15") == "iso-8859-15"
    assert charset.detect(cp, "auto", "cp1252") == "cp1252"


def test_no_quote_reads_quotes_as_text(tmp_path: Path) -> None:
    src = tmp_path / "fec.txt"
    src.write_bytes(b'A\tB\r\r\n"x\t"y" z\r\r\n"\t"\r\r\n')
    con = duckdb.connect()
    rr = csv_reader.read(con, src, "t", quote="", work_dir=tmp_path / "w")
    assert rr.columns == ["A", "B"]
    assert con.execute("select _line, A, B from t order by _line").fetchall() == [
        (2, '"x', '"y" z'),
        (3, '"', '"'),
    ]


def test_a_parse_failure_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever DuckDB's parser says, the refusal is its first line, not its state dump."""
    src = tmp_path / "x.csv"
    src.write_bytes(b"a;b\n1;2\n")
    con = duckdb.connect()

    def boom(*a: object, **k: object) -> None:
        raise duckdb.InvalidInputException(
            "Invalid Input Error: The CSV Parser state machine reached an invalid state.\n"
            "Possible fixes:\n* Disable the parser's strict mode\n\n  Parser options: ..."
        )

    monkeypatch.setattr(csv_reader, "_physical_lines", boom)
    with pytest.raises(UnreadableFile) as err:
        csv_reader.read(con, src, "t", work_dir=tmp_path / "w")
    assert str(err.value) == (
        "x.csv: cannot be read as delimited text with separator semicolon: "
        "Invalid Input Error: The CSV Parser state machine reached an invalid state."
    )
