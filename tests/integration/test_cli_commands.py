"""Every `c360` command is run by a test: the operator's day on a small demo company
(demo, nightly, build, rollback, users, keys, sources, match, privacy), and the three
long-running commands (api, dashboard, schedule) with their server or clock replaced."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner, Result

import c360.nightly as nightly_module
from c360.cli import app
from kernel.settings import Settings, load_settings

runner = CliRunner()

# What this file runs; the last test fails when a command is added without a test here.
RUN_HERE = {
    "demo",
    "ingest",
    "build",
    "nightly",
    "rollback",
    "api",
    "dashboard",
    "schedule",
    "user add",
    "user disable",
    "user enable",
    "user unlock",
    "user list",
    "user key create",
    "user key list",
    "user key revoke",
    "sources check",
    "match decide",
    "match list",
    "privacy erase",
    "writeback",
    "user set",
    "digest",
}


def _ok(args: list[str], **kwargs: object) -> Result:
    result = runner.invoke(app, args, **kwargs)  # type: ignore[arg-type]
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    out = tmp_path_factory.mktemp("cli") / "demo"
    result = _ok(["demo", "--out", str(out), "--customers", "10", "--seed", "3"])
    assert "published snapshot" in result.output
    assert "login admin / demo-admin  (admin)" in result.output
    yield out / "c360.toml"


def test_an_operator_s_day(demo: Path) -> None:
    cfg = ["-c", str(demo)]
    settings = load_settings(demo)
    first = {p.name for p in settings.snapshots_dir.glob("*.duckdb")}
    assert len(first) == 1

    assert "Sources check" in _ok(["sources", "check", *cfg]).output
    _ok(["ingest", *cfg])
    assert "published" in _ok(["build", *cfg]).output
    assert "published" in _ok(["nightly", *cfg]).output
    rolled = _ok(["rollback", *cfg]).output
    assert rolled.startswith("rolled back: CURRENT now serves ")

    listed = _ok(["user", "list", *cfg]).output
    assert "camille" in listed and "sales" in listed
    _ok(
        ["user", "add", "dana", "--role", "finance", "--password-env", "DANA_PW", *cfg],
        env={"DANA_PW": "a long enough password 42"},
    )
    assert "user dana disabled" in _ok(["user", "disable", "dana", *cfg]).output
    assert "user dana enabled" in _ok(["user", "enable", "dana", *cfg]).output
    assert "user dana unlocked" in _ok(["user", "unlock", "dana", *cfg]).output

    key = _ok(["user", "key", "create", "zapier-2", *cfg]).output.strip()
    assert key
    assert "zapier-2" in _ok(["user", "key", "list", *cfg]).output
    assert "revoked key" in _ok(["user", "key", "revoke", "zapier-2", *cfg]).output

    refused = runner.invoke(app, ["match", "decide", "never_match", "crm:nope", "erp:nope", *cfg])
    assert refused.exit_code == 1 and "Traceback" not in refused.output
    assert len(refused.output.strip().splitlines()) == 1
    assert "when" in _ok(["match", "list", *cfg]).output

    # The demo's sources are files: no CRM to write to, said in one line with where to read.
    wrote = runner.invoke(app, ["writeback", "--dry-run", *cfg])
    assert wrote.exit_code == 1 and "Traceback" not in wrote.output
    assert "no source has a [sources.writeback] section" in wrote.output
    assert len(wrote.output.strip().splitlines()) == 1
    saved = _ok(["user", "set", "camille", "--email", "camille@example.com", *cfg]).output
    assert "digest settings of camille saved" in saved
    assert "dry run: nothing sent" in _ok(["digest", "--dry-run", *cfg]).output

    erased = _ok(["privacy", "erase", "--email", "nobody@example.invalid", "--no-build", *cfg])
    assert "no contact with this address in staging" in erased.output


def _config(tmp_path: Path) -> Path:
    path = tmp_path / "c360.toml"
    path.write_text('data_dir = "data"\n', encoding="utf-8")
    return path


def test_api_serves_with_ingest_s_push_checker(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import c360.serve_api

    served: list[tuple[Settings, object]] = []
    monkeypatch.setattr(
        c360.serve_api, "serve", lambda s, check_push=None: served.append((s, check_push))
    )
    _ok(["api", "-c", str(_config(tmp_path))])
    [(settings, checker)] = served
    assert settings.data_dir == tmp_path / "data" and checker is not None


def test_dashboard_exits_with_streamlit_s_status(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import c360.serve_dashboard

    monkeypatch.setattr(c360.serve_dashboard, "run_dashboard", lambda s: 3)
    result = runner.invoke(app, ["dashboard", "-c", str(_config(tmp_path))])
    assert result.exit_code == 3


def test_schedule_logs_a_failed_night_and_waits_for_the_next(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import c360.cli as cli

    nights: list[str] = []

    def ingest(settings: Settings) -> bool:
        nights.append("ingest")
        if len(nights) == 1:
            raise RuntimeError("the CRM export is truncated\nsecond line")
        return True

    monkeypatch.setattr(cli, "run_ingest", ingest)
    monkeypatch.setattr(cli, "run_build", lambda settings: True)
    slept: list[float] = []
    # Two nights on a clock that does not wait: the real cron times, no real sleep.
    monkeypatch.setattr(
        nightly_module,
        "run_schedule",
        functools.partial(nightly_module.run_schedule, sleep=slept.append, nights=2),
    )
    result = _ok(["schedule", "-c", str(_config(tmp_path))])
    assert nights == ["ingest", "ingest"] and len(slept) == 2
    assert result.output.count("next nightly run at") == 2
    assert "nightly run: FAILED — RuntimeError: the CRM export is truncated\n" in result.output
    assert result.output.rstrip().endswith("nightly run: ok — ok")
    # The CLI's log handler writes to standard error, which the runner mixes in.
    assert "ERROR" in result.output and "failed: RuntimeError" in result.output


def _commands(group: typer.core.TyperGroup, prefix: str = "") -> Iterator[str]:
    for name, command in group.commands.items():
        if isinstance(command, typer.core.TyperGroup):
            yield from _commands(command, f"{prefix}{name} ")
        else:
            yield f"{prefix}{name}"


def test_every_command_is_run_by_a_test_here() -> None:
    root = typer.main.get_command(app)
    assert isinstance(root, typer.core.TyperGroup)
    assert set(_commands(root)) == RUN_HERE
