"""Atomic publication of a built snapshot, retention, rollback and crash clean-up.

A snapshot is written as the hidden `.<build_id>.duckdb.tmp` with its serving files
`.<build_id>.duckdb.tmp.serving.sqlite`, its parts (`….serving.search.sqlite`) and its
Arrow files (`….serving.list.<list>.arrow`, `….serving.index.<list>.arrow`, …); publishing checkpoints and closes it, fsyncs
it, renames the serving files (the main one last) and the
snapshot to `<build_id>.duckdb…`, then switches CURRENT (atomic pointer). Readers therefore never see a half-written snapshot; a crash leaves only a
hidden temporary file, removed by the next build.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import duckdb

from kernel.errors import C360Error
from kernel.killpoint import kill_point
from kernel.serving_contract import serving_files, snapshot_of_serving
from kernel.settings import Settings
from kernel.snapshots import (
    CURRENT,
    PREVIOUS,
    SUFFIX,
    current_snapshot,
    fsync,
    list_snapshots,
    read_pointer,
    write_pointer,
)

logger = logging.getLogger(__name__)

TMP_SUFFIX = f"{SUFFIX}.tmp"


class PublishError(C360Error, RuntimeError):
    """A snapshot could not be published or rolled back."""


def temp_path(snapshots_dir: Path, build_id: str) -> Path:
    return snapshots_dir / f".{build_id}{TMP_SUFFIX}"


def clean_temporary(snapshots_dir: Path) -> list[Path]:
    """Remove hidden files left by builds that crashed (the caller holds the build lock)."""
    removed: list[Path] = []
    if not snapshots_dir.exists():
        return removed
    for path in snapshots_dir.glob(f".*{TMP_SUFFIX}*"):
        path.unlink(missing_ok=True)
        removed.append(path)
    # A pointer's temporary copy (killed before its rename) and a serving file whose
    # snapshot is gone (killed between the two renames of `publish`, or mid-`prune`).
    for name in (CURRENT, PREVIOUS):
        for path in snapshots_dir.glob(f".{name}.*.tmp"):
            path.unlink(missing_ok=True)
            removed.append(path)
    for path in snapshots_dir.glob(f"*{SUFFIX}.serving.*"):
        owner = snapshot_of_serving(path)
        if not path.name.startswith(".") and owner is not None and not owner.exists():
            path.unlink(missing_ok=True)
            removed.append(path)
    if removed:
        logger.info("removed %d file(s) left by an interrupted build", len(removed))
    return removed


def publish(con: duckdb.DuckDBPyConnection, tmp: Path, build_id: str, keep: int) -> Path:
    """Close the snapshot on `con`, make it `<build_id>.duckdb` and point CURRENT at it."""
    folder = tmp.parent
    con.execute("checkpoint")
    con.close()
    wal = tmp.with_name(tmp.name + ".wal")
    if wal.exists():
        raise PublishError(f"{wal} still exists after checkpoint; snapshot not published")
    fsync(tmp)
    final = folder / f"{build_id}{SUFFIX}"
    # The serving files (warehouse/serving.py) are in place before their snapshot, the
    # parts before the main file that a reader opens first, and all before CURRENT names
    # them: a reader never finds a snapshot without its contract.
    for serving_tmp, serving_final in zip(serving_files(tmp), serving_files(final), strict=True):
        if serving_tmp.exists():
            os.replace(serving_tmp, serving_final)
    kill_point("snapshot_rename")
    os.replace(tmp, final)
    fsync(folder)
    kill_point("pointer_write")
    previous = read_pointer(folder, CURRENT)
    if previous:
        write_pointer(folder, PREVIOUS, previous)
    kill_point("previous_written")
    write_pointer(folder, CURRENT, final.name)
    kill_point("current_written")
    logger.info("published snapshot %s", final.name)
    prune(folder, keep)
    return final


def prune(snapshots_dir: Path, keep: int) -> list[Path]:
    """Delete published snapshots beyond the newest `keep`; never the current one."""
    current = read_pointer(snapshots_dir, CURRENT)
    snapshots = list_snapshots(snapshots_dir)
    doomed = snapshots[: max(len(snapshots) - max(keep, 1), 0)]
    removed: list[Path] = []
    for path in doomed:
        if path.name == current:
            continue
        path.unlink(missing_ok=True)
        kill_point("prune")
        path.with_name(path.name + ".wal").unlink(missing_ok=True)
        for serving in serving_files(path):
            serving.unlink(missing_ok=True)
        removed.append(path)
    if removed:
        logger.info("removed %d old snapshot(s)", len(removed))
    return removed


def rollback_plan(snapshots_dir: Path) -> tuple[Path, Path, str]:
    """(served snapshot, the one to serve instead, how it was chosen).

    PREVIOUS is followed: it names the snapshot served before the current one. A build
    killed between renaming its snapshot and writing CURRENT leaves a complete snapshot
    that was never served; taking "the newest file older than CURRENT" could pick such
    a one, PREVIOUS cannot. Without a usable PREVIOUS (first rollback after an upgrade, or
    a chain of rollbacks), the newest snapshot older than the current one is taken.
    """
    current = current_snapshot(snapshots_dir)
    if current is None:
        raise PublishError("nothing is published, so there is nothing to roll back")
    previous = read_pointer(snapshots_dir, PREVIOUS)
    if previous and previous < current.name and (snapshots_dir / previous).exists():
        return current, snapshots_dir / previous, "PREVIOUS"
    older = [p for p in list_snapshots(snapshots_dir) if p.name < current.name]
    if not older:
        raise PublishError(
            f"{current.name} is the oldest snapshot kept; nothing older to roll back to "
            "(CURRENT unchanged)"
        )
    return current, older[-1], "the newest older snapshot (no PREVIOUS)"


def rollback(settings: Settings) -> Path:
    """Point CURRENT at the snapshot served before the current one; return it.

    PREVIOUS then names the snapshot older than the new CURRENT (none: removed), so a
    second rollback goes one step further back rather than forth again."""
    snapshots_dir = settings.snapshots_dir
    current, target, _ = rollback_plan(snapshots_dir)
    older = [p for p in list_snapshots(snapshots_dir) if p.name < target.name]
    if older:
        write_pointer(snapshots_dir, PREVIOUS, older[-1].name)
    else:
        (snapshots_dir / PREVIOUS).unlink(missing_ok=True)
    write_pointer(snapshots_dir, CURRENT, target.name)
    logger.info("rolled back from %s to %s", current.name, target.name)
    return target
