"""Landing: every extract is copied unchanged to data/landing/<source>/<run_id>/.

The landed copy is the bronze layer: it is never modified, and a manifest beside it
records each file's sha256, size and row count. A file whose checksum was already
loaded for this source is not landed again.

An inbox is a drop folder, not a way in: only regular files inside it are read. A
symbolic link (to /etc/passwd, or a 0600 file of another user), a device, a FIFO (which
would block the night) or a path resolving outside the inbox is refused before it is
opened, and the copy is opened without following links. Landed folders and files are
readable by their owner only (0700 / 0600): they hold personal data.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
import threading
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import BinaryIO

from kernel.killpoint import kill_point

MANIFEST = "manifest.json"
DIR_MODE = 0o700
FILE_MODE = 0o600


@dataclass
class LandedFile:
    original: str
    path: Path
    sha256: str
    bytes: int
    rows: int | None = None


def unsafe(path: Path, root: Path) -> str | None:
    """Why `path`, found under the drop folder `root`, must not be read (None: it is safe)."""
    try:
        st = path.lstat()
    except OSError as exc:
        return f"{path.name}: cannot be examined: {exc.strerror}"
    if stat.S_ISLNK(st.st_mode):
        return (
            f"{path.name}: is a symbolic link; only regular files placed in the inbox are "
            "read (copy the file itself)"
        )
    if not stat.S_ISREG(st.st_mode):
        return f"{path.name}: is not a regular file (a device, FIFO or socket); not read"
    if not path.resolve().is_relative_to(root.resolve()):
        return f"{path.name}: resolves outside the inbox {root} (a linked folder); not read"
    return None


def _open_regular(path: Path) -> int:
    """A descriptor on `path` itself: never a link's target, never a FIFO left blocking."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise OSError(f"{path.name} is not a regular file")
    return fd


def make_dir(folder: Path) -> None:
    """A folder of c360's data, and its missing parents, readable by the owner only."""
    folder.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with os.fdopen(_open_regular(path), "rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def new_run_id() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")


class Flushes:
    """The landed copies' fsyncs, run in the background while the files are read and
    typed (the disk writes a 150 MB copy in about half a second, time the reading need not
    wait for). `wait()` comes before the source's transaction: a landed file is on disk
    before staging or a manifest names it."""

    def __init__(self) -> None:
        self._threads: list[threading.Thread] = []
        self._errors: list[OSError] = []

    def start(self, path: Path) -> None:
        def flush() -> None:
            try:
                fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
                try:
                    os.fsync(fd)
                finally:
                    os.close(fd)
            except OSError as exc:
                self._errors.append(exc)

        thread = threading.Thread(target=flush, name=f"fsync {path.name}", daemon=True)
        thread.start()
        self._threads.append(thread)

    def wait(self) -> None:
        """Every fsync started; the first error, if any, raised here."""
        for thread in self._threads:
            thread.join()
        self._threads.clear()
        if self._errors:
            exc, self._errors = self._errors[0], []
            raise exc


def land(
    src: Path, folder: Path, source: str, sha256: str, flushes: Flushes | None = None
) -> LandedFile:
    """Copy `src` into the run's landing folder (Settings.landing_run_dir), keeping its
    name; fsynced here, or in the background by `flushes` (see `Flushes`)."""
    make_dir(folder)
    target = folder / src.name
    n = 1
    while target.exists():  # two inbox files of the same name (sub-folders): keep both
        n += 1
        target = folder / f"{src.stem}.{n}{src.suffix}"
    tmp = folder / f".{target.name}.part"
    out = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, FILE_MODE)
    with os.fdopen(_open_regular(src), "rb") as fin, os.fdopen(out, "wb") as fout:
        _copy(fin, fout)
        fout.flush()
        if flushes is None:
            os.fsync(fout.fileno())
    os.replace(tmp, target)
    if flushes is not None:
        flushes.start(target)
    kill_point("land", source)
    return LandedFile(str(src), target, sha256, target.stat().st_size)


def _copy(fin: BinaryIO, fout: BinaryIO) -> None:
    """The bytes of `fin` into `fout`, copied by the kernel (no trip through Python's
    buffers) where it can, else in 1 MiB chunks."""
    offset = 0
    if hasattr(os, "sendfile"):
        try:
            while sent := os.sendfile(fout.fileno(), fin.fileno(), offset, 1 << 30):
                offset += sent
            return
        except OSError:
            if offset:
                raise  # part was copied: a real I/O error, not an unsupported file system
    shutil.copyfileobj(fin, fout, 1 << 20)


def write_manifest(folder: Path, files: list[LandedFile]) -> None:
    if not files:
        return
    entries = [{**asdict(f), "path": f.path.name} for f in files]
    tmp = folder / f".{MANIFEST}.part"
    tmp.write_text(json.dumps({"files": entries}, indent=2), encoding="utf-8")
    os.replace(tmp, folder / MANIFEST)


def clean_unfinished(landing_root: Path, tmp_dir: Path) -> list[Path]:
    """Remove what killed runs left: run folders without a manifest (the run never
    committed, so nothing of them is in staging) and the reader's temporary copies.

    Called at the start of an ingest, holding staging's write lock: no other ingest is
    running. The API's push checks work in tmp_dir/push-check-*; only those older than
    an hour are left by a killed process."""
    removed: list[Path] = []
    if landing_root.exists():
        for run in landing_root.glob("*/*"):
            if run.is_dir() and not run.is_symlink() and not (run / MANIFEST).exists():
                shutil.rmtree(run, ignore_errors=True)
                removed.append(run)
                kill_point("cleanup")
    if tmp_dir.exists():
        stale = time.time() - 3600
        for path in tmp_dir.iterdir():
            if path.is_dir() and not path.is_symlink():
                if path.name.startswith("push-check-") and path.stat().st_mtime < stale:
                    shutil.rmtree(path, ignore_errors=True)
                    removed.append(path)
            else:
                path.unlink(missing_ok=True)
                removed.append(path)
    return removed


def prune(landing_root: Path, keep_days: int | None, now: datetime | None = None) -> list[Path]:
    """Delete run folders older than `keep_days` (the retention period of landed
    extracts, which hold personal data); the age is the run id's time."""
    if keep_days is None or not landing_root.exists():
        return []
    cutoff = (now or datetime.now(UTC)) - timedelta(days=keep_days)
    removed: list[Path] = []
    for run in landing_root.glob("*/*"):
        try:
            started = datetime.strptime(run.name, "%Y%m%dT%H%M%S%fZ").replace(tzinfo=UTC)
        except ValueError:
            continue  # not a run folder of ours
        if started < cutoff and run.is_dir() and not run.is_symlink():
            shutil.rmtree(run, ignore_errors=True)
            removed.append(run)
    return removed
