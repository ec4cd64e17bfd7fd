"""The published snapshot the API serves, and the switch to a new one without a restart.

Requests read only the snapshot's serving files (warehouse/serving.py), immutable SQLite
files and the sub-lists' Arrow files (api/list_rows.py, mapped once per snapshot): each
thread has its own read-only connection to the SQLite ones (no locks: `immutable=1`), so
requests on every thread read at once and one in flight keeps the file it started on.
The DuckDB snapshot itself is never opened by a request (only to make a serving file for
a snapshot published without one). On every request the CURRENT pointer is `stat`-ed
(cheap); when it changed, the new snapshot is opened and becomes current, and the old one
is closed once no request uses it.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from api.errors import ApiError
from api.list_rows import ListFiles
from kernel.serving_contract import CONTRACT_VERSION, connect_serving, serving_path
from kernel.snapshots import CURRENT, current_snapshot

# Makes the serving file of a published snapshot that has none (in a folder of its own).
MakeServing = Callable[[Path], Path]

logger = logging.getLogger(__name__)

NO_SNAPSHOT = "No data has been published yet: run `c360 nightly`."


@dataclass
class Snapshot:
    """A published snapshot, shared by the requests that use it."""

    path: Path
    published_at: str | None
    # The serving contract the requests read (warehouse/serving.py).
    serving: Path | None = None
    # A serving file the API made itself (snapshot published without one): its folder,
    # removed when the snapshot is closed.
    own_serving: Path | None = None
    # The sub-lists' Arrow files beside `serving` (api/list_rows.py).
    lists: ListFiles | None = None
    users: int = 0
    retired: bool = False

    @property
    def build_id(self) -> str:
        return self.path.stem

    def close(self) -> None:
        if self.lists is not None:
            self.lists.close()
        if self.own_serving is not None:
            shutil.rmtree(self.own_serving, ignore_errors=True)


@dataclass
class SnapshotReader:
    """What a request uses: its own read-only connection to the serving file."""

    snapshot: Snapshot

    @property
    def lite(self) -> sqlite3.Connection:
        """This thread's connection to the snapshot's serving file."""
        return thread_connection(self.snapshot.serving)

    @property
    def lists(self) -> ListFiles:
        """The snapshot's sub-lists' items (their Arrow files)."""
        if self.snapshot.lists is None:
            raise ApiError(503, "no_snapshot", NO_SNAPSHOT, headers={"Retry-After": "60"})
        return self.snapshot.lists

    @property
    def build_id(self) -> str:
        return self.snapshot.build_id


class SnapshotManager:
    """Keeps the current snapshot open and notices when CURRENT names a new one."""

    def __init__(self, snapshots_dir: Path, make_serving: MakeServing | None = None) -> None:
        self.snapshots_dir = snapshots_dir
        self.make_serving = make_serving
        self._lock = threading.Lock()
        self._current: Snapshot | None = None
        self._pointer_key: tuple[int, int, int] | None = None
        self._opening = False

    def _pointer_stat(self) -> tuple[int, int, int] | None:
        try:
            st = os.stat(self.snapshots_dir / CURRENT)
        except FileNotFoundError:
            return None
        return (st.st_ino, st.st_mtime_ns, st.st_size)

    def _changed(self) -> tuple[bool, tuple[int, int, int] | None]:
        """Under the lock: has CURRENT changed since the last look?"""
        key = self._pointer_stat()
        unchanged = key == self._pointer_key and (key is None or self._current is not None)
        return (not unchanged and not self._opening), key

    def _refresh(self) -> None:
        """Switch to the snapshot CURRENT names, when it changed.

        While a snapshot is served, the new one is opened (and its search index built)
        outside the lock by one request; the others keep using the old snapshot meanwhile.
        """
        with self._lock:
            changed, key = self._changed()
            if not changed:
                return
            if self._current is None:
                self._switch(key, self._open_current())  # nothing to serve meanwhile: wait
                return
            self._opening = True
        new: Snapshot | None = None
        try:
            new = self._open_current()
        finally:
            with self._lock:
                self._opening = False
                self._switch(key, new)

    def _open_current(self) -> Snapshot | None:
        path = current_snapshot(self.snapshots_dir)
        if path is None or (self._current is not None and self._current.path == path):
            return None
        try:
            return _open(path, self.make_serving)
        except (duckdb.Error, sqlite3.Error, OSError):
            logger.exception("cannot open snapshot %s; still serving the previous one", path)
            return None

    def _switch(self, key: tuple[int, int, int] | None, new: Snapshot | None) -> None:
        """Under the lock: make `new` current (None: keep the current one)."""
        path = current_snapshot(self.snapshots_dir)
        if new is None:
            if path is None or (self._current is not None and self._current.path == path):
                self._pointer_key = key  # nothing new to open: do not retry every request
            return
        old, self._current, self._pointer_key = self._current, new, key
        logger.info("serving snapshot %s", new.build_id)
        if old is not None:
            old.retired = True
            if old.users == 0:
                old.close()

    def stale(self) -> bool:
        """Does CURRENT name another snapshot than the one served (one `stat`)?"""
        with self._lock:
            return self._changed()[0]

    def refresh(self) -> None:
        """Open the snapshot CURRENT names now, if it changed (can take a while: a
        snapshot published without its serving file gets one made here)."""
        self._refresh()

    def current(self) -> Snapshot | None:
        self._refresh()
        with self._lock:
            return self._current

    @contextmanager
    def reader(self) -> Iterator[SnapshotReader]:
        self._refresh()
        with self._lock:
            snap = self._current
            if snap is None:
                raise ApiError(503, "no_snapshot", NO_SNAPSHOT, headers={"Retry-After": "60"})
            snap.users += 1
        reader = SnapshotReader(snap)
        try:
            yield reader
        finally:
            with self._lock:
                snap.users -= 1
                if snap.retired and snap.users == 0:
                    snap.close()

    def close(self) -> None:
        with self._lock:
            if self._current is not None:
                self._current.retired = True
                if self._current.users == 0:
                    self._current.close()
            self._current = None
            self._pointer_key = None


def _open(path: Path, make_serving: MakeServing | None) -> Snapshot:
    snap = Snapshot(path=path, published_at=None)
    snap.serving = _serving_of(snap, make_serving)
    snap.lists = ListFiles(snap.serving)
    # A set without its key file fails here, as one without a part does.
    snap.lists.keys  # noqa: B018
    snap.published_at = _published_at(snap.serving, path)
    return snap


def open_serving(path: Path | None) -> sqlite3.Connection:
    """A read-only connection to a published (never again written) serving file."""
    if path is None:
        raise ApiError(503, "no_snapshot", NO_SNAPSHOT, headers={"Retry-After": "60"})
    # The connection may be closed on another thread than the one that used it
    # (FastAPI runs a dependency's clean-up apart from the route); it is never shared.
    return connect_serving(path, check_same_thread=False)


_local = threading.local()


def thread_connection(path: Path | None) -> sqlite3.Connection:
    """The calling thread's read-only connection to the serving file `path`.

    A connection is used by the thread that opened it only (FastAPI may run a route and
    its dependencies on different threads, so it is looked up where it is used); a
    thread keeps the one of the file it read last and closes it when it moves to a new
    snapshot's file. Opening one per request cost as much as the lookup itself.
    """
    held: tuple[Path, sqlite3.Connection] | None = getattr(_local, "held", None)
    if held is not None and held[0] == path:
        return held[1]
    lite = open_serving(path)
    if held is not None:
        held[1].close()
    _local.held = (path, lite)
    return lite


def _serving_version(path: Path) -> int | None:
    try:
        lite = open_serving(path)
        try:
            row = lite.execute("select max(version) from contract").fetchone()
        finally:
            lite.close()
    except sqlite3.Error:
        return None
    return int(row[0]) if row and row[0] is not None else None


def _serving_of(snap: Snapshot, make_serving: MakeServing | None) -> Path:
    """The snapshot's serving file, or one made from its tables by `make_serving` (given
    by the composition root: the build's own SQL) when it was published without one or
    with another version of the contract."""
    path = serving_path(snap.path)
    if path.exists() and _serving_version(path) == CONTRACT_VERSION:
        return path
    if make_serving is None:
        raise sqlite3.OperationalError(
            f"snapshot {snap.build_id} has no serving file of contract version "
            f"{CONTRACT_VERSION}: run `c360 build` to publish one"
        )
    logger.warning("snapshot %s has no serving file of this version: building one", snap.build_id)
    made = make_serving(snap.path)
    snap.own_serving = made.parent
    return made


def _published_at(serving: Path, path: Path) -> str | None:
    """When the snapshot was published, from its build log in the serving file (the
    first of published_at, finished_at, built_at, started_at), else the file's time."""
    lite = open_serving(serving)
    try:
        found = lite.execute(
            "select doc from run_build where json_extract(doc, '$.build_id') = ?", (path.stem,)
        ).fetchone()
    finally:
        lite.close()
    if found is not None:
        values = json.loads(found[0])
        for name in ("published_at", "finished_at", "built_at", "started_at"):
            value = values.get(name)
            if value is not None:
                return datetime.fromisoformat(str(value)).isoformat()
    mtime = datetime.fromtimestamp(serving.stat().st_mtime, UTC)
    return mtime.isoformat().replace("+00:00", "Z")


def parse_json(text: Any) -> Any:
    """JSON text stored in the snapshot (evidence, conflict values) as Python values."""
    if text is None or isinstance(text, dict | list):
        return text
    try:
        return json.loads(text)
    except (TypeError, ValueError):
        return text
