"""The one-pass read takes a file as UTF-8 from its first MiB (`charset.utf8_head`) and
lets DuckDB's parse prove the rest: no pass over the whole bytes for the usual export.
A file whose bytes turn bad after the head is one the parse rejects records of: it goes
the usual way, checked whole first, and ends as it always did (refused for mixing two
encodings, or read in cp1252). Fixtures: HubSpot calls exports as the UI writes them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ingest import single_read
from ingest.pipeline import ingest
from ingest.readers import encoding as charset
from kernel.connection import connect
from kernel.settings import Settings, SourceConfig

HEADER = (
    b'"Record ID","Call Title","Activity date","Call outcome","Call status",'
    b'"Activity assigned to","Call notes","Associated Contact IDs","Associated Company IDs"\n'
)
HEAD = 1 << 20  # what `charset.utf8_head` reads


def _call(i: int, title: bytes, notes: bytes = b"") -> bytes:
    return (
        b'"%d","%s","2026-03-02 09:15","Connected","Completed","Julie Martin","%s",'
        b'"61001","9101"\n' % (51000 + i, title, notes)
    )


def _calls(first: bytes, later: bytes) -> tuple[bytes, int]:
    """`first` repeated past the head, then `later` once: (file, records)."""
    out, n = [HEADER], 0
    size = len(HEADER)
    while size <= HEAD + 1000:
        row = _call(n, first, b"Rappeler,\nen avril" if n % 5 == 0 else b"")
        out.append(row)
        size += len(row)
        n += 1
    out.append(_call(n, later))
    return b"".join(out), n + 1


def _settings(tmp_path: Path, data: bytes) -> Settings:
    inbox = tmp_path / "inbox"
    inbox.mkdir(parents=True)
    (inbox / "calls.csv").write_bytes(data)
    return Settings(
        data_dir=tmp_path / "data",
        sources=[SourceConfig(name="crm", system="hubspot", role="crm", inbox=inbox)],
    )


def _watch(monkeypatch: pytest.MonkeyPatch) -> tuple[list[bool], list[int]]:
    """(one-pass reads: given back?, whole-file UTF-8 checks)."""
    given_back: list[bool] = []
    whole: list[int] = []
    read, check = single_read.read_typed, charset._first_invalid_utf8

    def read_typed(*a: Any, **k: Any) -> Any:
        got = read(*a, **k)
        given_back.append(got is None)
        return got

    def first_invalid(path: Path) -> int | None:
        whole.append(1)
        return check(path)

    monkeypatch.setattr(single_read, "read_typed", read_typed)
    monkeypatch.setattr(charset, "_first_invalid_utf8", first_invalid)
    return given_back, whole


def _staged(settings: Settings) -> list[tuple[Any, ...]]:
    con = connect(settings.staging_db, read_only=True)
    try:
        return con.execute(
            "select count(*), count(distinct subject), min(subject), max(_line) "
            "from staging.activity"
        ).fetchall()
    finally:
        con.close()


def test_a_utf8_export_is_not_checked_whole_before_its_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    given_back, whole = _watch(monkeypatch)
    data, n = _calls("Appel découverte".encode(), "Réclamation été".encode())
    settings = _settings(tmp_path, data)
    result = ingest(settings)
    assert result.ok
    [o] = result.outcomes
    assert (o.rows_read, o.rows_loaded, o.rows_rejected, o.rows_skipped) == (n, n, 0, 0)
    assert given_back == [False] and whole == []  # one read, no pass of its own for UTF-8
    last_line = data.count(b"\n")  # the last record's line (notes span two lines)
    assert _staged(settings) == [(n, 2, "Appel découverte", last_line)]


def test_cp1252_after_a_utf8_head_is_refused_as_before(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The parse rejects the cp1252 record: the file goes the usual way, where the whole
    check finds the two encodings and refuses it, naming a line of each (nothing staged)."""
    given_back, whole = _watch(monkeypatch)
    data, n = _calls("Appel découverte".encode(), "Réclamation".encode("cp1252"))
    settings = _settings(tmp_path, data)
    result = ingest(settings)
    [o] = result.outcomes
    assert o.status == "refused"
    last_line = data.count(b"\n")
    assert f"mixes two encodings: line 2 is UTF-8, line {last_line} is not (byte 0xe9)" in (
        o.message or ""
    )
    assert given_back == [True] and whole  # tried in one pass, given back, checked whole
    assert _staged(settings) == [(0, 0, None, None)]


def test_cp1252_after_a_plain_ascii_head_is_read_in_cp1252(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A head of plain ASCII proves nothing: the file is checked whole first, as always,
    and read in the fallback encoding, its accents intact."""
    given_back, whole = _watch(monkeypatch)
    data, n = _calls(b"Appel decouverte", "Réclamation été".encode("cp1252"))
    settings = _settings(tmp_path, data)
    result = ingest(settings)
    assert result.ok
    [o] = result.outcomes
    assert (o.rows_read, o.rows_loaded, o.rows_rejected) == (n, n, 0)
    assert whole and given_back == [False]
    con = connect(settings.staging_db, read_only=True)
    try:
        assert con.execute(
            "select subject, _line from staging.activity where source_id = ?", [str(51000 + n - 1)]
        ).fetchall() == [("Réclamation été", data.count(b"\n"))]
    finally:
        con.close()
