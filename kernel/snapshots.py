"""Published snapshots: data/snapshots/<build_id>.duckdb plus a CURRENT pointer.

CURRENT holds the file name of the served snapshot. It is replaced atomically (write a
temporary file, fsync, rename, fsync the folder), so a reader sees the old or the new
name, never a torn one, and never a snapshot that is still being written.
"""

from __future__ import annotations

import os
from pathlib import Path

from kernel.killpoint import kill_point

CURRENT = "CURRENT"
PREVIOUS = "PREVIOUS"
SUFFIX = ".duckdb"


def fsync(path: Path) -> None:
    """Flush a file, or a folder's entries (a rename is durable once its folder is)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_pointer(folder: Path, name: str, target: str) -> None:
    """Atomically make `folder/name` contain `target`."""
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f".{name}.{os.getpid()}.tmp"
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(target + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    kill_point("pointer_replace", name)
    os.replace(tmp, folder / name)
    fsync(folder)


def read_pointer(folder: Path, name: str = CURRENT) -> str | None:
    try:
        value = (folder / name).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    return value or None


def current_snapshot(snapshots_dir: Path) -> Path | None:
    """The published snapshot file, or None when nothing was published yet."""
    name = read_pointer(snapshots_dir, CURRENT)
    if name is None:
        return None
    path = snapshots_dir / name
    return path if path.exists() else None


def list_snapshots(snapshots_dir: Path) -> list[Path]:
    """Published snapshot files, oldest first (build ids sort by time)."""
    if not snapshots_dir.exists():
        return []
    return sorted(p for p in snapshots_dir.glob(f"*{SUFFIX}") if not p.name.startswith("."))
