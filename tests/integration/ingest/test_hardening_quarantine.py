"""A bad file costs only itself: a refused inbox file is moved to quarantine with a note,
never read again unless put back; a file mixing UTF-8 and cp1252 rows is refused, never
stored as mojibake; `c360 nightly` exits 3 ("published with refusals")."""

from __future__ import annotations

import shutil
from pathlib import Path

from ingest_fixtures import DATA, inbox_of, make_settings, staging
from typer.testing import CliRunner

from c360.cli import app
from ingest.pipeline import ingest

HEADER = b'"Record ID","Company name","City","Create Date"\n'
UTF8_ROW = '"1","Société Générale","Lyon","2026-01-05 10:00"\n'.encode()
CP1252_ROW = '"2","Crédit Agricole","Paris","2026-01-05 10:00"\n'.encode("cp1252")


def test_a_refused_inbox_file_is_quarantined_with_a_note(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, "hubspot", name="crm")
    inbox = inbox_of(settings)
    shutil.copyfile(DATA / "companies_night1.csv", inbox / "companies.csv")
    (inbox / "deals.csv").write_bytes(b"nothing,we,know\n1,2,3\n")
    first = ingest(settings)
    refused = {o.file: o.message for o in first.refused}
    assert list(refused) == ["deals.csv"]
    assert "moved to quarantine/crm/deals.csv" in (refused["deals.csv"] or "")
    assert not (inbox / "deals.csv").exists()
    moved = settings.quarantine_dir / "crm" / "deals.csv"
    assert moved.read_bytes() == b"nothing,we,know\n1,2,3\n"
    note = (settings.quarantine_dir / "crm" / "deals.csv.reason.txt").read_text("utf-8")
    assert "refused at:" in note and str(inbox / "deals.csv") in note
    assert refused["deals.csv"].split(" (moved")[0] in note  # type: ignore[union-attr]

    second = ingest(settings)  # never read again
    assert [o.status for o in second.outcomes] == ["skipped"]
    assert second.ok

    shutil.move(moved, inbox / "deals.csv")  # put back: read (and refused) again
    third = ingest(settings)
    assert [o.file for o in third.refused] == ["deals.csv"]
    assert moved.exists() and not (inbox / "deals.csv").exists()


def _mixed(tmp_path: Path, *rows: bytes) -> tuple[object, Path]:
    settings = make_settings(tmp_path, "hubspot", name="crm")
    inbox = inbox_of(settings)
    (inbox / "companies.csv").write_bytes(HEADER + b"".join(rows))
    return settings, inbox


def test_utf8_file_with_a_cp1252_row_is_refused_not_mojibake(tmp_path: Path) -> None:
    settings, _ = _mixed(tmp_path, UTF8_ROW, CP1252_ROW)
    result = ingest(settings)  # type: ignore[arg-type]
    [o] = result.refused
    assert "mixes two encodings: line 2 is UTF-8, line 3 is not (byte 0xe9)" in (o.message or "")
    con = staging(settings)
    assert con.execute("select count(*) from staging.customer").fetchone() == (0,)


def test_cp1252_file_with_a_utf8_row_is_refused(tmp_path: Path) -> None:
    settings, _ = _mixed(tmp_path, CP1252_ROW, UTF8_ROW)
    [o] = ingest(settings).refused  # type: ignore[arg-type]
    assert "mixes two encodings: line 3 is UTF-8, line 2 is not" in (o.message or "")


def test_a_plain_cp1252_file_still_loads(tmp_path: Path) -> None:
    settings, _ = _mixed(tmp_path, CP1252_ROW)
    result = ingest(settings)  # type: ignore[arg-type]
    assert result.ok
    con = staging(settings)
    assert con.execute("select name from staging.customer").fetchall() == [("Crédit Agricole",)]


def test_nightly_exits_3_when_published_with_refusals(tmp_path: Path) -> None:
    settings, inbox = _mixed(tmp_path, UTF8_ROW)
    (inbox / "deals.csv").write_bytes(b"nothing,we,know\n1,2,3\n")
    config = tmp_path / "c360.toml"
    config.write_text(
        f'data_dir = "{settings.data_dir}"\n'  # type: ignore[attr-defined]
        f'[[sources]]\nname = "crm"\nsystem = "hubspot"\nrole = "crm"\ninbox = "{inbox}"\n',
        encoding="utf-8",
    )
    run = CliRunner().invoke(app, ["nightly", "-c", str(config)])
    assert run.exit_code == 3, run.output
    assert "published with refusals" in run.output
    assert "Traceback" not in run.output
    run = CliRunner().invoke(app, ["nightly", "-c", str(config)])
    assert run.exit_code == 0, run.output  # the refused file is in quarantine now
