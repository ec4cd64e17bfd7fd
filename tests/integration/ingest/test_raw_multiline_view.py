"""A CSV whose quoted cells hold line breaks: raw.* is a view on the landed file that
numbers the physical lines itself (no copy of the rows), and a person's erasure removes
every line of their record and no other.

Hand-made HubSpot contacts exports (label headers, every field quoted, CRLF, as the
index-page export writes them) with a multi-line address column.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from ingest.pipeline import ingest
from ingest.privacy import erase
from kernel.connection import connect, init_staging
from kernel.settings import Settings

HEADER = '"Record ID","First Name","Last Name","Email","Street Address"\r\n'
PAUL = '"602","Paul","Martin","paul.martin@acme.fr","3 quai Est"\r\n'
MARIE = '"601","Marie","Durand","marie.durand@acme.fr","12 rue X\r\nBât. B\r\n2e étage"\r\n'
LEA = '"603","Léa","Petit","lea.petit@beta.fr","1 place Y"\r\n'
ZOE = '"604","Zoé","Roux","zoe.roux@beta.fr","Hameau Z\r\nLieu-dit W"\r\n'


def _settings(tmp_path: Path, text: str) -> Settings:
    inbox = tmp_path / "in"
    inbox.mkdir(exist_ok=True)
    (inbox / "contacts.csv").write_bytes(text.encode("utf-8"))
    return Settings(
        data_dir=tmp_path / "data",
        sources=[{"name": "crm", "system": "hubspot", "role": "crm", "inbox": str(inbox)}],
    )


def _landed(settings: Settings) -> Path:
    return next(settings.landing_dir.glob("crm/*/contacts.csv"))


def _raw(settings: Settings) -> list[tuple[object, ...]]:
    with connect(settings.staging_db, read_only=True) as con:
        return con.execute(
            'select _line, "Record ID", "Street Address" from raw.crm__contact order by _line'
        ).fetchall()


def _erase(settings: Settings, email: str) -> None:
    with connect(settings.staging_db) as con:
        init_staging(con)
        erase(con, settings, email, None)


def _records(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8"), newline="")))


def test_multiline_records_are_a_view_numbered_like_staging(tmp_path: Path) -> None:
    settings = _settings(tmp_path, HEADER + PAUL + MARIE + LEA + ZOE)
    result = ingest(settings)
    assert result.ok
    (o,) = result.outcomes
    assert (o.rows_read, o.rows_loaded, o.rows_rejected, o.rows_skipped) == (4, 4, 0, 0)
    assert _raw(settings) == [
        (2, "602", "3 quai Est"),
        (3, "601", "12 rue X\nBât. B\n2e étage"),
        (6, "603", "1 place Y"),
        (7, "604", "Hameau Z\nLieu-dit W"),
    ]
    with connect(settings.staging_db, read_only=True) as con:
        staged = con.execute("select _line, source_id from staging.contact order by 1").fetchall()
        copied = con.execute(
            "select count(*) from duckdb_tables() where schema_name = 'raw'"
        ).fetchone()
        numbered = con.execute("select numbered from meta.raw_file").fetchall()
    assert staged == [(2, "602"), (3, "601"), (6, "603"), (7, "604")]
    assert copied == (0,)  # no copy of the rows: the view reads the landed file
    assert numbered == [(True,)]


def test_erasing_a_multiline_record_removes_all_its_lines_only(tmp_path: Path) -> None:
    settings = _settings(tmp_path, HEADER + PAUL + MARIE + LEA + ZOE)
    assert ingest(settings).ok
    _erase(settings, "marie.durand@acme.fr")
    landed = _landed(settings)
    assert _records(landed) == [
        ["Record ID", "First Name", "Last Name", "Email", "Street Address"],
        ["602", "Paul", "Martin", "paul.martin@acme.fr", "3 quai Est"],
        ["603", "Léa", "Petit", "lea.petit@beta.fr", "1 place Y"],
        ["604", "Zoé", "Roux", "zoe.roux@beta.fr", "Hameau Z\r\nLieu-dit W"],
    ]
    assert [r[1] for r in _raw(settings)] == ["602", "603", "604"]
    manifest = (landed.parent / "manifest.json").read_text(encoding="utf-8")
    assert '"rows": 3' in manifest


def test_erasing_the_last_multiline_record_cuts_the_file_there(tmp_path: Path) -> None:
    settings = _settings(tmp_path, HEADER + PAUL + MARIE + LEA + ZOE)
    assert ingest(settings).ok
    _erase(settings, "zoe.roux@beta.fr")
    rows = _records(_landed(settings))
    assert [r[0] for r in rows] == ["Record ID", "602", "601", "603"]
    assert rows[2][4] == "12 rue X\r\nBât. B\r\n2e étage"  # Marie's record whole
    assert _raw(settings) == [
        (2, "602", "3 quai Est"),
        (3, "601", "12 rue X\nBât. B\n2e étage"),
        (6, "603", "1 place Y"),
    ]


def test_a_blank_line_between_records_keeps_the_copy(tmp_path: Path) -> None:
    # The parser skips the blank line, so line numbers could not be recomputed exactly
    # from the records alone: the rows are copied, and an erasure deletes the file.
    settings = _settings(tmp_path, HEADER + PAUL + MARIE + "\r\n" + LEA)
    result = ingest(settings)
    assert result.ok
    (o,) = result.outcomes
    assert (o.rows_read, o.rows_loaded, o.rows_rejected, o.rows_skipped) == (3, 3, 0, 0)
    with connect(settings.staging_db, read_only=True) as con:
        tables = con.execute(
            "select table_name from duckdb_tables() where schema_name = 'raw'"
        ).fetchall()
    assert tables == [("crm__contact__rows",)]
    assert sorted(str(r[1]) for r in _raw(settings)) == ["601", "602", "603"]
