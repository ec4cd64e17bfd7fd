"""A file of one object typed by the read that parses it (ingest/single_read.py): the same
rows, lines, rejects and raw layer as the usual read (a table of text, then typed)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from ingest import pipeline, single_read
from ingest.pipeline import ingest
from kernel.connection import connect
from kernel.settings import Settings, SourceConfig

HEADER = (
    '"Record ID","Call Title","Activity date","Call outcome","Call status",'
    '"Activity assigned to","Call notes","Associated Contact IDs","Associated Company IDs"\n'
)
# A HubSpot calls export as the UI writes it: every value quoted, notes with line breaks
# (line 3's record spans lines 3-5), a date that does not exist on line 7.
CALLS = HEADER + (
    '"51001","Relance devis","2026-03-02 09:15","Connected","Completed","Julie Martin",'
    '"","61001","9101"\n'
    '"51002","Appel découverte","2026-03-03 10:00","No answer","Scheduled","Karim Benali",'
    '"Client intéressé,\n""à rappeler""\nen avril","61002;61003","9102"\n'
    '"51003","Suivi commande","2026-03-04 11:30","Busy","Canceled","Sophie Lefèvre",'
    '"","61004",""\n'
    '"51004","Réclamation facture","2026-02-30 14:00","Connected","Completed","Élodie Roux",'
    '"ok","61005","9104"\n'
    '"51005","Présentation offre","2026-03-06 16:45","","Completed","Thomas Nguyen",'
    '"a\nb","61006","9105"\n'
)


def _settings(tmp_path: Path, text: str, name: str = "calls.csv") -> Settings:
    inbox = tmp_path / "inbox"
    inbox.mkdir(parents=True)
    (inbox / name).write_text(text, encoding="utf-8")
    return Settings(
        data_dir=tmp_path / "data",
        sources=[SourceConfig(name="crm", system="hubspot", role="crm", inbox=inbox)],
    )


def _state(settings: Settings) -> dict[str, Any]:
    con = connect(settings.staging_db, read_only=True)
    try:
        return {
            "rows": con.execute(
                "select source_id, customer_source_id, contact_source_id, subject, "
                "occurred_at, status, outcome, owner, _line from staging.activity "
                "order by source_id"
            ).fetchall(),
            "rejects": con.execute(
                "select line, reason, raw from meta.reject order by line"
            ).fetchall(),
            "run": con.execute(
                "select rows_read, rows_loaded, rows_rejected, rows_skipped from meta.ingest_run "
                "where object = 'activity'"
            ).fetchall(),
            "raw": con.execute(
                'select _line, "Record ID" from raw.crm__activity order by _line'
            ).fetchall(),
        }
    finally:
        con.close()


def _usual(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "_type_in_read", lambda *a, **k: None)


def test_one_pass_gives_what_the_usual_read_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []
    real = single_read.read_typed

    def counted(*a: Any, **k: Any) -> Any:
        got = real(*a, **k)
        calls.append(0 if got is None else got.rows)
        return got

    monkeypatch.setattr(single_read, "read_typed", counted)
    one = _settings(tmp_path / "one", CALLS)
    assert ingest(one).ok
    assert calls == [5]  # typed in the read, not read again

    _usual(monkeypatch)
    usual = _settings(tmp_path / "usual", CALLS)
    assert ingest(usual).ok
    got, want = _state(one), _state(usual)
    assert got == want

    # The rows as a person finds them in the file: each record's first physical line.
    assert [(r[0], r[-1]) for r in got["rows"]] == [
        ("51001", 2),
        ("51002", 3),
        ("51003", 6),
        ("51005", 8),
    ]
    assert got["rows"][1][2] == "61002" and got["rows"][1][5] == "open"
    assert got["rows"][2][1] is None and got["rows"][2][5] == "cancelled"
    assert got["run"] == [(5, 4, 1, 0)]  # read = loaded + rejected + skipped
    [(line, reason, raw)] = got["rejects"]
    assert line == 7
    assert reason == "occurred at: date 2026-02-30 14:00 does not exist"
    assert json.loads(raw)["Record ID"] == "51004" and json.loads(raw)["_line"] == 7
    assert got["raw"] == [(2, "51001"), (3, "51002"), (6, "51003"), (7, "51004"), (8, "51005")]


def test_a_parser_reject_reads_the_file_the_usual_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Line 6 is cut short (two fields): the one-pass typing is dropped, the usual read
    # places that reject on its line and keeps the others.
    text = CALLS.replace(
        '"51003","Suivi commande","2026-03-04 11:30","Busy","Canceled","Sophie Lefèvre",'
        '"","61004",""\n',
        '"51003","Suivi commande"\n',
    )
    dropped: list[bool] = []
    real = single_read.read_typed

    def watched(*a: Any, **k: Any) -> Any:
        got = real(*a, **k)
        dropped.append(got is None)
        return got

    monkeypatch.setattr(single_read, "read_typed", watched)
    settings = _settings(tmp_path, text)
    assert ingest(settings).ok
    assert dropped == [True]
    state = _state(settings)
    assert [(r[0], r[-1]) for r in state["rows"]] == [("51001", 2), ("51002", 3), ("51005", 8)]
    assert [(line, reason.split(":")[0]) for line, reason, _ in state["rejects"]] == [
        (6, "too few fields"),
        (7, "occurred at"),
    ]
    assert state["run"] == [(5, 3, 2, 0)]


def test_many_records_keep_their_lines(tmp_path: Path) -> None:
    """Enough records for DuckDB to parse the file in several parallel chunks: the typed
    table keeps the file's order, so every line is still the record's own."""
    lines, parts, line = [], [HEADER], 2
    for i in range(60_000):
        notes = "Rappeler,\nen avril" if i % 7 == 0 else "ras"
        parts.append(
            f'"{100000 + i}","Appel {i}","2026-03-02 09:15","Connected","Completed",'
            f'"Julie Martin","{notes}","61001","9101"\n'
        )
        lines.append((str(100000 + i), line))
        line += 2 if i % 7 == 0 else 1
    settings = _settings(tmp_path, "".join(parts))
    assert ingest(settings).ok
    con = connect(settings.staging_db, read_only=True)
    try:
        got = con.execute("select source_id, _line from staging.activity order by source_id")
        assert got.fetchall() == lines
    finally:
        con.close()


def test_a_landed_copy_that_cannot_be_synced_fails_the_source(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = _settings(tmp_path, CALLS)

    def broken(fd: int) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "fsync", broken)  # the background flush of the landed copy
    with pytest.raises(OSError, match="Input/output error"):
        ingest(settings)
    con = connect(settings.staging_db, read_only=True)
    try:
        assert con.execute("select count(*) from staging.activity").fetchone() == (0,)
    finally:
        con.close()
