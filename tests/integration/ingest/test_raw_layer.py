"""raw.* keeps every column as received; plain files are read again from landing."""

from __future__ import annotations

import shutil
from pathlib import Path

from ingest.pipeline import ingest
from kernel.connection import connect
from kernel.settings import Settings

CSV = (
    '"Record ID","Company name","SIRET"\n'
    '"1","Dupont SARL","732 829 320 00074"\n'
    '"2","=HYPERLINK(""http://x"")","000123"\n'
)


def _settings(tmp_path: Path) -> Settings:
    inbox = tmp_path / "in"
    inbox.mkdir(exist_ok=True)
    return Settings(
        data_dir=tmp_path / "data",
        sources=[{"name": "crm", "system": "hubspot", "role": "crm", "inbox": str(inbox)}],
    )


def test_raw_is_the_file_as_received_with_run_file_and_line(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    (tmp_path / "in" / "companies.csv").write_text(CSV, encoding="cp1252")
    assert ingest(settings).ok
    con = connect(settings.staging_db, read_only=True)
    rows = con.execute(
        'select _file, _line, "Record ID", "Company name", "SIRET" from raw.crm__customer '
        "order by _line"
    ).fetchall()
    con.close()
    assert rows == [
        ("companies.csv", 2, "1", "Dupont SARL", "732 829 320 00074"),
        ("companies.csv", 3, "2", '=HYPERLINK("http://x")', "000123"),  # zeros and text kept
    ]


def test_a_pruned_landing_folder_does_not_break_the_next_night(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    (tmp_path / "in" / "companies.csv").write_text(CSV, encoding="utf-8")
    assert ingest(settings).ok
    shutil.rmtree(settings.landing_dir)  # an operator cleaned old landings
    (tmp_path / "in" / "companies.csv").write_text(CSV + '"3","Martin SAS",""\n', encoding="utf-8")
    assert ingest(settings).ok
    con = connect(settings.staging_db, read_only=True)
    raw = con.execute("select count(*) from raw.crm__customer").fetchone()
    staged = con.execute("select count(*) from staging.customer where not is_deleted").fetchone()
    con.close()
    assert raw == (3,)  # the new extract; the pruned one is no longer readable
    assert staged == (3,)
