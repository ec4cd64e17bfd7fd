"""Every file's load is its own unit of work: a file DuckDB cannot read is refused in one
line, and the other files of the same source, the other sources and the night go on.

In DuckDB a failed statement aborts the whole transaction (there is no SAVEPOINT); before,
one unreadable file left the source's transaction aborted and `c360 nightly` died with
`TransactionException` and a traceback, nothing published.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from ingest_fixtures import DATA, inbox_of, make_settings, staging, write_parquet
from typer.testing import CliRunner

import ingest.pipeline as pipeline
from c360.cli import app
from demo_company import generate_demo
from ingest.pipeline import ingest
from kernel.settings import load_settings
from kernel.snapshots import current_snapshot


def _corrupt_parquet(path: Path) -> Path:
    """A Parquet file whose footer is sound and whose data pages are not: DuckDB opens it,
    then raises while reading the rows (the statement fails, not the open)."""
    write_parquet(path)
    data = bytearray(path.read_bytes())
    for k in range(60, 68):
        data[k] ^= 0xFF
    path.write_bytes(bytes(data))
    con = duckdb.connect()
    assert con.sql("select * from read_parquet(?)", params=[str(path)]).columns
    with pytest.raises(duckdb.Error):
        con.execute("create temp table t as select * from read_parquet(?)", [str(path)])
    return path


def test_a_file_duckdb_cannot_type_is_refused_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whatever statement of a file's read or typing DuckDB refuses, only that file goes."""
    settings = make_settings(tmp_path, "hubspot", name="crm")
    inbox = inbox_of(settings)
    shutil.copyfile(DATA / "companies_night1.csv", inbox / "a_companies.csv")
    shutil.copyfile(DATA / "companies_part2.csv", inbox / "b_companies.csv")
    shutil.copyfile(DATA / "deals_night1.csv", inbox / "c_deals.csv")
    real_read = pipeline.read_file  # type: ignore[attr-defined]  # patched where it is looked up

    def read_then_fail(con, path, table, **kw):  # type: ignore[no-untyped-def]
        rr = real_read(con, path, table, **kw)
        if path.name.startswith("b_"):
            con.execute("select cast('douze' as integer)")  # a real DuckDB error
        return rr

    monkeypatch.setattr(pipeline, "read_file", read_then_fail)
    result = ingest(settings)
    assert [(o.file, o.status) for o in result.outcomes] == [
        ("a_companies.csv", "loaded"),
        ("b_companies.csv", "refused"),
        ("c_deals.csv", "loaded"),
    ]
    refused = result.refused[0].message or ""
    assert refused.startswith("b_companies.csv: ") and "douze" in refused
    assert "\n" not in refused
    with staging(settings) as con:
        runs = con.execute(
            "select file, status, message from meta.ingest_run order by file"
        ).fetchall()
        loaded = con.execute("select count(*) from staging.customer").fetchone()
    assert [(r[0], r[1]) for r in runs] == [
        ("a_companies.csv", "loaded"),
        ("b_companies.csv", "refused"),
        ("c_deals.csv", "loaded"),
    ]
    assert runs[1][2] == refused
    assert loaded == (3,)
    # The refused file was not marked as seen: fixed (here: read normally), it loads, and
    # with it the unchanged other part of the same full extract (read again, not deleted).
    monkeypatch.setattr(pipeline, "read_file", real_read)
    # The refused file was moved to quarantine; put back, it is read again.
    shutil.move(settings.quarantine_dir / "crm" / "b_companies.csv", inbox / "b_companies.csv")
    again = ingest(settings)
    assert [(o.file, o.status) for o in again.outcomes] == [
        ("a_companies.csv", "loaded"),
        ("b_companies.csv", "loaded"),
        ("c_deals.csv", "skipped"),
    ]


def test_a_night_with_an_unreadable_file_publishes_the_rest(tmp_path: Path) -> None:
    generate_demo(tmp_path, customers=60, seed=9)
    config = str(tmp_path / "c360.toml")
    fec_inbox = tmp_path / "inbox" / "fec"
    fec = next(fec_inbox.glob("*FEC*.txt"))
    # The books as a double conversion leaves them (every line ends in CR CR LF) next to
    # a file DuckDB opens and then cannot read.
    fec.write_bytes(fec.read_bytes().replace(b"\r\n", b"\r\r\n"))
    bad = _corrupt_parquet(fec_inbox / "export_corrompu.parquet")
    runner = CliRunner(env={"COLUMNS": "400"})  # one table row per file

    check = runner.invoke(app, ["sources", "check", "-c", config])
    assert "Traceback" not in check.output, check.output
    assert check.exception is None or isinstance(check.exception, SystemExit)
    assert "state machine" not in check.output and "Possible fixes" not in check.output
    assert "export_corrompu.parquet" in check.output
    assert "1 problem(s)" in check.output, check.output

    night = runner.invoke(app, ["nightly", "-c", config])
    assert "Traceback" not in night.output and "TransactionException" not in night.output
    assert night.exit_code == 3  # published with refusals: a refused file is reported...
    assert "the rest was loaded and published" in night.output, night.output
    # ...and the rest, the books in CR CR LF included, was loaded and published.
    settings = load_settings(tmp_path / "c360.toml")
    with staging(settings) as con:
        runs = con.execute(
            "select source, file, object, status, message, rows_read, rows_loaded, "
            "rows_rejected, rows_skipped from meta.ingest_run"
        ).fetchall()
        fec_items = con.execute(
            "select count(*) from staging.receivable_item where source = 'compta'"
        ).fetchone()
    refused = [r for r in runs if r[3] == "refused"]
    assert [(r[0], r[1]) for r in refused] == [("compta", bad.name)]
    message = refused[0][4]
    assert message.startswith(f"{bad.name}: ") and "\n" not in message
    assert "Parquet" in message
    assert {r[0] for r in runs if r[3] == "loaded"} == {"crm", "erp", "compta"}
    fec_run = next(r for r in runs if r[1] == fec.name and r[2] == "receivable_item")
    assert fec_run[3] == "loaded" and fec_run[6] > 0
    assert fec_run[5] == fec_run[6] + fec_run[7] + fec_run[8]
    assert fec_items == (fec_run[6],)
    assert current_snapshot(settings.snapshots_dir) is not None


def test_a_failed_source_is_one_line_from_the_cli(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not a refusal (a bug, a full disk): the source is rolled back, `c360 ingest` says so
    in one line and exits non-zero, no traceback."""
    settings = make_settings(tmp_path, "hubspot", name="crm")
    inbox = inbox_of(settings)
    shutil.copyfile(DATA / "companies_night1.csv", inbox / "companies.csv")
    config = tmp_path / "c360.toml"
    config.write_text(
        f'data_dir = "{settings.data_dir}"\n\n[[sources]]\nname = "crm"\nsystem = "hubspot"\n'
        f'role = "crm"\ninbox = "{inbox}"\n',
        encoding="utf-8",
    )

    def crash(*a: object, **k: object) -> None:
        raise OSError("No space left on device\nmore detail")

    monkeypatch.setattr(pipeline, "read_file", crash)
    result = CliRunner(env={"COLUMNS": "400"}).invoke(app, ["ingest", "-c", str(config)])
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)
    assert "ingest failed: OSError: No space left on device" in result.output
    assert "more detail" not in result.output and "Traceback" not in result.output
