"""One way to fail: every command ends a failure with one line (what happened — what to
do) and a non-zero exit status; the traceback only with `--verbose`."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

import c360.cli as cli
from c360.cli import app
from c360.nightly import EXIT_BUSY, EXIT_FAILED, nightly_lock
from ingest.profile import ProfileError
from kernel.errors import C360Error
from kernel.settings import ConfigError, load_settings

runner = CliRunner()


def _config(tmp_path: Path) -> Path:
    path = tmp_path / "c360.toml"
    path.write_text('data_dir = "data"\n', encoding="utf-8")
    return path


def _one_line(result: Result) -> str:
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert "Traceback" not in result.output
    return lines[0]


def test_build_with_no_staging_yet_is_one_line(tmp_path: Path) -> None:
    result = runner.invoke(app, ["build", "-c", str(_config(tmp_path))])
    assert result.exit_code == 1
    line = _one_line(result)
    assert "staging.duckdb does not exist" in line and "c360 ingest" in line


def test_nightly_whose_build_fails_is_one_line_per_step(tmp_path: Path) -> None:
    # Staging that is no DuckDB file: after the (empty) ingest report, the build says so
    # in one line and the job in one more.
    cfg = _config(tmp_path)
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "staging.duckdb").write_text("not a database", encoding="utf-8")
    result = runner.invoke(app, ["nightly", "-c", str(cfg)])
    assert result.exit_code == EXIT_FAILED
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert lines[-2].startswith("not published: build ")
    assert "not a valid DuckDB database file" in lines[-2]
    assert lines[-1] == (
        "error: nothing new published (the build said why above); "
        "the previous snapshot is still served"
    )


def test_nightly_with_no_staging_yet_says_so_without_a_traceback(tmp_path: Path) -> None:
    # No source configured: the ingest loads nothing, so there is no staging to build from.
    result = runner.invoke(app, ["nightly", "-c", str(_config(tmp_path))])
    assert result.exit_code == EXIT_FAILED
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert "staging.duckdb does not exist; run `c360 ingest` first" in lines[-2]
    assert lines[-1].startswith("error: ")


def test_nightly_while_another_runs_is_one_line(tmp_path: Path) -> None:
    cfg = _config(tmp_path)
    with nightly_lock(load_settings(cfg)).acquire(timeout=0):
        result = runner.invoke(app, ["nightly", "-c", str(cfg)])
    assert result.exit_code == EXIT_BUSY
    assert "another nightly job is running" in _one_line(result)


def test_rollback_with_nothing_published_is_one_line(tmp_path: Path) -> None:
    result = runner.invoke(app, ["rollback", "-c", str(_config(tmp_path))])
    assert result.exit_code == 1
    assert _one_line(result) == "error: nothing is published, so there is nothing to roll back"


def test_a_bad_config_says_what_to_do(tmp_path: Path) -> None:
    cfg = tmp_path / "c360.toml"
    cfg.write_text("data_dir = [\n", encoding="utf-8")
    result = runner.invoke(app, ["build", "-c", str(cfg)])
    assert result.exit_code == 1
    line = _one_line(result)
    assert "invalid TOML" in line and "docs/configuration.md" in line


def test_every_error_class_has_the_one_root() -> None:
    from api.decisions import DecisionError
    from api.errors import ApiError
    from ingest.connectors.errors import ConnectorError
    from ingest.readers import UnreadableFile
    from warehouse.build import BuildError
    from warehouse.matching import MatchingError
    from warehouse.publish import PublishError

    for kind in (
        ConfigError,
        ProfileError,
        UnreadableFile,
        ConnectorError,
        BuildError,
        PublishError,
        MatchingError,
        DecisionError,
        ApiError,
    ):
        assert issubclass(kind, C360Error), kind


def _raise_in_build(monkeypatch: pytest.MonkeyPatch, exc: Exception) -> None:
    def boom(settings: object) -> bool:
        raise exc

    monkeypatch.setattr(cli, "run_build", boom)


def test_a_c360_error_anywhere_is_one_line_with_its_hint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _raise_in_build(monkeypatch, C360Error("the ledger is\nunbalanced", hint="fix the FEC"))
    result = runner.invoke(app, ["build", "-c", str(_config(tmp_path))])
    assert result.exit_code == 1
    assert _one_line(result) == "error: the ledger is unbalanced — fix the FEC"


def test_an_unexpected_error_is_one_line_and_the_traceback_waits_for_verbose(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _raise_in_build(monkeypatch, KeyError("customer_id"))
    cfg = str(_config(tmp_path))
    quiet = runner.invoke(app, ["build", "-c", cfg])
    assert quiet.exit_code == 1
    line = _one_line(quiet)
    assert "KeyError: 'customer_id'" in line and "--verbose" in line

    loud = runner.invoke(app, ["--verbose", "build", "-c", cfg])
    assert loud.exit_code == 1
    assert "Traceback" in loud.output and "KeyError" in loud.output


def test_usage_errors_keep_typer_s_own_text(tmp_path: Path) -> None:
    result = runner.invoke(app, ["build", "--no-such-option"])
    assert result.exit_code == 2
    assert "No such option" in result.output
