"""The published snapshot the API serves, and the switch to a new one without a restart.

One read-only DuckDB connection per snapshot file; each request takes its own
`con.cursor()` (a DuckDB connection must not be shared between threads). On every
request the CURRENT pointer is `stat`-ed (cheap); when it changed, the new snapshot is
opened and becomes current, and the old connection is closed once no request uses it.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from api.errors import ApiError
from api.queries import sql
from warehouse.connection import connect
from warehouse.connection import sql as warehouse_sql
from warehouse.snapshots import CURRENT, current_snapshot

logger = logging.getLogger(__name__)

NO_SNAPSHOT = "No data has been published yet: run `c360 nightly`."


@dataclass
class Snapshot:
    """An open snapshot file, shared by the requests that use it."""

    path: Path
    con: duckdb.DuckDBPyConnection
    tables: frozenset[str]
    published_at: str | None
    catalog: str
    # Where customer search reads: the snapshot's own mart.customer_search, or the same
    # index folded into memory from the warehouse's definition for a thinner snapshot.
    search_table: str | None = None
    users: int = 0
    retired: bool = False

    @property
    def build_id(self) -> str:
        return self.path.stem


@dataclass
class SnapshotReader:
    """What a request uses: its own cursor on one snapshot."""

    snapshot: Snapshot
    cursor: duckdb.DuckDBPyConnection
    _missing_logged: set[str] = field(default_factory=set)

    @property
    def build_id(self) -> str:
        return self.snapshot.build_id

    def has(self, table: str) -> bool:
        return table in self.snapshot.tables

    def rows(
        self, name: str, params: Sequence[Any] | dict[str, Any] = (), *, needs: Sequence[str] = ()
    ) -> list[dict[str, Any]]:
        """Run api/sql/<name>.sql; [] when a table it needs is absent from this snapshot."""
        return self.run(sql(name), params, needs=needs)

    def run(
        self, text: str, params: Sequence[Any] | dict[str, Any] = (), *, needs: Sequence[str] = ()
    ) -> list[dict[str, Any]]:
        missing = [t for t in needs if not self.has(t)]
        if missing:
            logger.debug("snapshot %s lacks %s: empty result", self.build_id, missing)
            return []
        try:
            result = self.cursor.execute(text, params)
        except duckdb.CatalogException as exc:
            logger.warning("snapshot %s: %s", self.build_id, exc)
            return []
        columns = [d[0] for d in result.description or ()]
        return [dict(zip(columns, row, strict=True)) for row in result.fetchall()]

    def one(
        self, name: str, params: Sequence[Any] | dict[str, Any] = (), *, needs: Sequence[str] = ()
    ) -> dict[str, Any] | None:
        found = self.rows(name, params, needs=needs)
        return found[0] if found else None


class SnapshotManager:
    """Keeps the current snapshot open and notices when CURRENT names a new one."""

    def __init__(self, snapshots_dir: Path) -> None:
        self.snapshots_dir = snapshots_dir
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
            return _open(path)
        except duckdb.Error:
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
                old.con.close()

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
        cursor = snap.con.cursor()
        try:
            # A cursor starts in the default catalog; the snapshot may be attached by name.
            cursor.execute(f"use {_quote(snap.catalog)}")
            yield SnapshotReader(snap, cursor)
        finally:
            cursor.close()
            with self._lock:
                snap.users -= 1
                if snap.retired and snap.users == 0:
                    snap.con.close()

    def close(self) -> None:
        with self._lock:
            if self._current is not None:
                self._current.retired = True
                if self._current.users == 0:
                    self._current.con.close()
            self._current = None
            self._pointer_key = None


def _open(path: Path) -> Snapshot:
    con = connect(path, read_only=True)
    row = con.execute("select current_database()").fetchone()
    catalog = str(row[0]) if row else "main"
    tables = frozenset(
        f"{schema}.{name}"
        for schema, name in con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_catalog = current_database()"
        ).fetchall()
    )
    published_at = _published_at(con, path, tables)
    snap = Snapshot(path=path, con=con, tables=tables, published_at=published_at, catalog=catalog)
    snap.search_table = _search_table(con, tables)
    return snap


SEARCH_TABLE = "mart.customer_search"
SEARCH_CACHE = "api_cache.customer_search"


def _search_table(con: duckdb.DuckDBPyConnection, tables: frozenset[str]) -> str | None:
    if SEARCH_TABLE in tables:
        return SEARCH_TABLE
    if "mart.customer_360" not in tables:
        return None
    # One definition of the index (the warehouse's), built here into memory only for a
    # snapshot that does not carry it.
    text = warehouse_sql("marts/customer_search").replace(
        f"table {SEARCH_TABLE}", f"table {SEARCH_CACHE}"
    )
    try:
        con.execute("attach ':memory:' as api_cache")
        con.execute(text)
    except duckdb.Error:
        logger.warning("customer search index not built for this snapshot", exc_info=True)
        return None
    return SEARCH_CACHE


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _published_at(con: duckdb.DuckDBPyConnection, path: Path, tables: frozenset[str]) -> str | None:
    if "meta.build" in tables:
        try:
            cur = con.execute("select * from meta.build where build_id = ?", [path.stem])
            cols = [d[0] for d in cur.description or ()]
            row = cur.fetchone()
        except duckdb.Error:
            row, cols = None, []
        if row is not None:
            values = dict(zip(cols, row, strict=True))
            for name in ("published_at", "finished_at", "built_at", "started_at"):
                value = values.get(name)
                if value is not None:
                    return value.isoformat() if hasattr(value, "isoformat") else str(value)
    mtime = datetime.fromtimestamp(path.stat().st_mtime, UTC)
    return mtime.isoformat().replace("+00:00", "Z")


def parse_json(text: Any) -> Any:
    """JSON text stored in the snapshot (evidence, conflict values) as Python values."""
    if text is None or isinstance(text, dict | list):
        return text
    try:
        return json.loads(text)
    except (TypeError, ValueError):
        return text
