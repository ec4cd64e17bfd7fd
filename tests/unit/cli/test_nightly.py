"""The nightly job: ingest then build, never two at once, honest exit status."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from c360.nightly import EXIT_BUSY, EXIT_FAILED, EXIT_REFUSALS, nightly_lock, run_nightly
from kernel.settings import Settings


def _note(calls: list[Any], what: Any) -> bool:
    calls.append(what)
    return True


def _settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data")


def test_runs_ingest_then_build(tmp_path: Path) -> None:
    calls: list[str] = []
    ok, message, code = run_nightly(
        _settings(tmp_path),
        lambda s: _note(calls, "ingest"),
        lambda s: _note(calls, "build"),
    )
    assert (ok, message, code, calls) == (True, "ok", 0, ["ingest", "build"])


def test_a_second_job_does_not_start_while_one_runs(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    calls: list[str] = []
    with nightly_lock(settings).acquire(timeout=0):
        ok, message, code = run_nightly(settings, lambda s: _note(calls, "ingest"), lambda s: True)
    assert not ok and "another nightly job is running" in message and code == EXIT_BUSY
    assert calls == []


def test_refused_files_still_build_but_report_failure(tmp_path: Path) -> None:
    built: list[bool] = []
    ok, message, code = run_nightly(
        _settings(tmp_path), lambda s: False, lambda s: _note(built, True)
    )
    assert built == [True]
    assert not ok and "published with refusals" in message and code == EXIT_REFUSALS


def test_failed_build_reports_the_served_snapshot_is_kept(tmp_path: Path) -> None:
    ok, message, code = run_nightly(_settings(tmp_path), lambda s: True, lambda s: False)
    assert not ok and "previous snapshot is still served" in message and code == EXIT_FAILED
