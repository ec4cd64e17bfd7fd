"""Inboxes are not a way in: links, FIFOs and paths outside the inbox are refused by name
and never opened; what c360 writes is readable by its owner only; servers listen on
127.0.0.1 unless the settings say otherwise."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from ingest_fixtures import inbox_of, make_settings
from typer.testing import CliRunner

from c360.cli import app
from c360.serve_dashboard import dashboard_command
from ingest.pipeline import ingest
from kernel.settings import Settings

GOOD = b'"Record ID","Company name"\n"1","Alpha"\n'


def test_links_fifos_and_outside_paths_are_refused_unread(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, "hubspot", name="crm")
    inbox = inbox_of(settings)
    (inbox / "good.csv").write_bytes(GOOD)
    secret = tmp_path / "secret.csv"
    secret.write_bytes(b'"Record ID","Company name"\n"666","Secret"\n')
    secret.chmod(0o600)
    (inbox / "link.csv").symlink_to(secret)
    (inbox / "passwd.csv").symlink_to("/etc/passwd")
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "more.csv").write_bytes(GOOD)
    (inbox / "linked_folder").symlink_to(outside, target_is_directory=True)
    os.mkfifo(inbox / "pipe.csv")  # opened, it would block the night
    result = ingest(settings)
    refused = {o.file: o.message or "" for o in result.refused}
    assert set(refused) == {"link.csv", "passwd.csv", "linked_folder", "pipe.csv"}
    assert "is a symbolic link" in refused["link.csv"]
    assert "is a symbolic link" in refused["linked_folder"]
    assert "not a regular file (a device, FIFO or socket)" in refused["pipe.csv"]
    assert [o.file for o in result.outcomes if o.status == "loaded"] == ["good.csv"]
    landed = [p.name for p in settings.landing_dir.rglob("*") if p.is_file()]
    assert "link.csv" not in landed and "passwd.csv" not in landed
    assert secret.read_bytes().startswith(b'"Record ID"')  # the target itself untouched
    # Moved aside (the link itself, not its target): not refused again every night.
    assert (settings.quarantine_dir / "crm" / "link.csv").is_symlink()
    assert [o.status for o in ingest(settings).outcomes] == ["skipped"]


def test_landed_files_are_owner_only(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, "hubspot", name="crm")
    inbox = inbox_of(settings)
    (inbox / "good.csv").write_bytes(GOOD)
    (inbox / "good.csv").chmod(0o644)
    result = ingest(settings)
    landed = next(settings.landing_dir.rglob("good.csv"))
    assert stat.S_IMODE(landed.stat().st_mode) == 0o600
    assert stat.S_IMODE((settings.landing_dir / "crm" / result.run_id).stat().st_mode) == 0o700


def test_the_cli_keeps_the_data_folder_owner_only(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, "hubspot", name="crm")
    inbox = inbox_of(settings)
    (inbox / "good.csv").write_bytes(GOOD)
    settings.data_dir.mkdir(mode=0o755)
    old_store = settings.data_dir / "app.db"
    old_store.write_bytes(b"")
    old_store.chmod(0o644)  # as an older version left it
    config = tmp_path / "c360.toml"
    config.write_text(
        f'data_dir = "{settings.data_dir}"\n'
        f'[[sources]]\nname = "crm"\nsystem = "hubspot"\nrole = "crm"\ninbox = "{inbox}"\n',
        encoding="utf-8",
    )
    umask = os.umask(0o022)
    try:
        run = CliRunner().invoke(app, ["ingest", "-c", str(config)])
    finally:
        os.umask(umask)
    assert run.exit_code == 0, run.output
    assert stat.S_IMODE(settings.data_dir.stat().st_mode) == 0o700
    assert stat.S_IMODE(old_store.stat().st_mode) == 0o600
    assert stat.S_IMODE(settings.staging_db.stat().st_mode) == 0o600


def test_servers_listen_on_localhost_by_default() -> None:
    settings = Settings()
    assert settings.api.host == "127.0.0.1"
    command = dashboard_command(settings)
    assert command[command.index("--server.address") + 1] == "127.0.0.1"
    wide = Settings(dashboard={"host": "0.0.0.0"})
    command = dashboard_command(wide)
    assert command[command.index("--server.address") + 1] == "0.0.0.0"


def test_leftovers_of_a_killed_run_are_cleaned_at_the_next_start(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, "hubspot", name="crm")
    inbox = inbox_of(settings)
    (inbox / "good.csv").write_bytes(GOOD)
    first = ingest(settings)
    kept = settings.landing_dir / "crm" / first.run_id
    # A run killed while landing: its folder has no manifest (nothing of it committed).
    killed = settings.landing_dir / "crm" / "20260101T000000000000Z"
    killed.mkdir(parents=True)
    (killed / "big.csv").write_bytes(b"x" * 1000)
    (killed / ".part.csv.part").write_bytes(b"x")
    tmp = settings.data_dir / "tmp"
    tmp.mkdir(exist_ok=True)
    (tmp / "push.records.ndjson").write_text("{}\n", encoding="utf-8")
    (tmp / "companies.csv.utf8.csv").write_text("a\n", encoding="utf-8")
    fresh_check = tmp / "push-check-abc"  # an API push check at work right now
    fresh_check.mkdir()
    ingest(settings)
    assert not killed.exists()
    assert (kept / "manifest.json").exists() and (kept / "good.csv").exists()
    assert not (tmp / "push.records.ndjson").exists()
    assert not (tmp / "companies.csv.utf8.csv").exists()
    assert fresh_check.exists()


def test_landing_retention(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, "hubspot", name="crm")
    settings.landing_keep_days = 30
    inbox = inbox_of(settings)
    (inbox / "good.csv").write_bytes(GOOD)
    recent = ingest(settings).run_id
    old = settings.landing_dir / "crm" / "20200101T000000000000Z"
    old.mkdir()
    (old / "manifest.json").write_text('{"files": []}', encoding="utf-8")
    (old / "customers_2019.csv").write_bytes(GOOD)
    second = ingest(settings)
    assert not old.exists()
    assert (settings.landing_dir / "crm" / recent / "good.csv").exists()
    assert [o.status for o in second.outcomes] == ["skipped"]  # the checksum is kept


def test_sources_check_names_a_fifo_without_opening_it(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, "hubspot", name="crm")
    inbox = inbox_of(settings)
    (inbox / "good.csv").write_bytes(GOOD)
    os.mkfifo(inbox / "pipe.csv")
    config = tmp_path / "c360.toml"
    config.write_text(
        f'data_dir = "{settings.data_dir}"\n'
        f'[[sources]]\nname = "crm"\nsystem = "hubspot"\nrole = "crm"\ninbox = "{inbox}"\n',
        encoding="utf-8",
    )
    run = CliRunner(env={"COLUMNS": "400"}).invoke(app, ["sources", "check", "-c", str(config)])
    assert run.exit_code == 1
    assert "not a regular file (a device, FIFO or socket)" in run.output
    assert "1 problem(s)" in run.output
