"""Recovery: rollback follows PREVIOUS and says so in one line; at the oldest snapshot one
line, no traceback; every failed build is in the build log with its reason; `c360 build`
and `c360 ingest` during a nightly answer one line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

import warehouse.build as build_module
from c360.cli import app
from c360.nightly import EXIT_BUSY, nightly_lock
from kernel.settings import Settings
from kernel.snapshots import CURRENT, PREVIOUS, current_snapshot, read_pointer, write_pointer
from warehouse.build import BuildError, build, last_builds
from warehouse.publish import rollback


def _config(settings: Settings, tmp_path: Path) -> str:
    path = tmp_path / "c360.toml"
    as_of = f'as_of = "{settings.as_of}"\n' if settings.as_of else ""
    path.write_text(f'data_dir = "{settings.data_dir}"\n{as_of}', encoding="utf-8")
    return str(path)


def test_rollback_follows_previous_not_a_never_served_snapshot(
    staging_factory: Callable[..., Settings], tmp_path: Path
) -> None:
    settings = staging_factory()
    folder = settings.snapshots_dir
    a = build(settings).snapshot
    never = build(settings).snapshot
    assert a is not None and never is not None
    # Killed between renaming `never` and writing CURRENT: CURRENT and PREVIOUS name `a`.
    write_pointer(folder, CURRENT, a.name)
    write_pointer(folder, PREVIOUS, a.name)
    b = build(settings).snapshot
    assert b is not None and read_pointer(folder, PREVIOUS) == a.name

    run = CliRunner().invoke(app, ["rollback", "-c", _config(settings, tmp_path)])
    assert run.exit_code == 0, run.output
    assert run.output.strip() == (
        f"rolled back: CURRENT now serves {a.name} (was {b.name}; followed PREVIOUS)"
    )
    assert current_snapshot(folder) == a
    assert read_pointer(folder, PREVIOUS) is None  # nothing older than `a`

    run = CliRunner().invoke(app, ["rollback", "-c", _config(settings, tmp_path)])
    assert run.exit_code == 1
    assert "is the oldest snapshot kept; nothing older to roll back to" in run.output
    assert len(run.output.strip().splitlines()) == 1 and "Traceback" not in run.output
    assert current_snapshot(folder) == a


def test_rollback_with_nothing_published_is_one_line(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    run = CliRunner().invoke(app, ["rollback", "-c", _config(settings, tmp_path)])
    assert run.exit_code == 1
    assert "nothing is published" in run.output and "Traceback" not in run.output


def test_a_second_rollback_goes_further_back(staging_factory: Callable[..., Settings]) -> None:
    settings = staging_factory(snapshots_keep=5)
    a, b, c = (build(settings).snapshot for _ in range(3))
    assert rollback(settings) == b
    assert rollback(settings) == a


# "_facts" fails once the serving contract is being written beside the build: it is
# stopped and its files removed too.
@pytest.mark.parametrize("where", ["connect", "_golden", "_facts"])
def test_every_failed_build_is_logged_with_its_reason(
    staging_factory: Callable[..., Settings],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    where: str,
) -> None:
    settings = staging_factory()

    def disk_full(*a: object, **k: object) -> None:
        raise duckdb.IOException("No space left on device\nsecond line")

    monkeypatch.setattr(build_module, where, disk_full)
    with pytest.raises(BuildError, match="IOException: No space left on device$"):
        build(settings)
    [logged] = last_builds(settings)
    assert logged["status"] == "failed"
    assert logged["message"] == "error: IOException: No space left on device"
    assert not list(settings.snapshots_dir.glob(".*.tmp*"))

    run = CliRunner().invoke(app, ["build", "-c", _config(settings, tmp_path)])
    assert run.exit_code == 1
    assert "No space left on device" in run.output and "Traceback" not in run.output
    assert len(last_builds(settings)) == 2


@pytest.mark.parametrize("command", ["build", "ingest"])
def test_by_hand_during_a_nightly_is_one_line(
    staging_factory: Callable[..., Settings], tmp_path: Path, command: str
) -> None:
    settings = staging_factory()
    with nightly_lock(settings).acquire(timeout=0):
        run = CliRunner().invoke(app, [command, "-c", _config(settings, tmp_path)])
    assert run.exit_code == EXIT_BUSY
    assert "the nightly job is running" in run.output and "Traceback" not in run.output
