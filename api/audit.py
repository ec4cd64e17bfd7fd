"""The audit log of profile reads, buffered so a read never waits for a disk write.

A read appends to this process's buffer (a lock and a list append); a background thread
writes the buffer to app.db in one transaction every `api.audit_flush_seconds`, or sooner
when `FLUSH_AT` reads are waiting. Shutdown and GET /audit flush first, so an admin sees
the reads of the worker answering them at once and those of the others within the delay.
"""

from __future__ import annotations

import logging
import os
import re
import secrets
import threading
import time
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import Query

from api import store
from api.errors import INVALID_CURSOR, ApiError
from kernel.settings import Settings

logger = logging.getLogger(__name__)

FLUSH_AT = 500  # reads waiting that wake the writer before its delay
MAX_PENDING = 100_000  # kept in memory while app.db refuses writes; older reads then drop
_READ_ID = re.compile(r"[0-9a-f]{22}")


def new_read_id(at_ns: int) -> str:
    """Sortable by time across processes: 14 hex digits of microseconds, 8 random."""
    return f"{at_ns // 1000:014x}{secrets.token_hex(4)}"


# The audit log's cursor is the id of the last read sent (declared in the OpenAPI
# document, like the position cursors of api.queries): reads older than it come next.
AuditCursor = Annotated[
    str | None,
    Query(
        pattern=f"^{_READ_ID.pattern}$",
        description="`next_cursor` of the previous page; absent for the first page",
    ),
]


def cursor_read_id(cursor: str | None) -> str | None:
    if not cursor:
        return None
    if not _READ_ID.fullmatch(cursor):
        raise ApiError(422, "invalid_cursor", INVALID_CURSOR)
    return cursor


def read_cursor(read_id: str) -> str:
    return read_id


class ReadLog:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.delay = settings.api.audit_flush_seconds
        self._pending: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._flushing = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._pid = 0

    def record(self, username: str, role: str, customer_id: str, resource: str) -> None:
        now = time.time_ns()
        row = {
            "read_id": new_read_id(now),
            "at": datetime.fromtimestamp(now / 1e9, UTC),
            "username": username,
            "role": role,
            "customer_id": customer_id,
            "resource": resource,
        }
        with self._lock:
            self._pending.append(row)
            waiting = len(self._pending)
        self._ensure_writer()
        if waiting >= FLUSH_AT:
            self._wake.set()

    def flush(self) -> None:
        """Write what is waiting; on failure keep it (bounded) for the next attempt."""
        with self._flushing:
            with self._lock:
                rows, self._pending = self._pending, []
            if not rows:
                return
            try:
                store.add_profile_reads(self.settings, rows)
            except Exception:  # the audit log must not take the API down
                logger.warning(
                    "audit log: %d profile reads not written yet", len(rows), exc_info=True
                )
                with self._lock:
                    self._pending = (rows + self._pending)[-MAX_PENDING:]

    def close(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None and self._pid == os.getpid():
            self._thread.join(timeout=5)
        self.flush()

    def _ensure_writer(self) -> None:
        # Started on first use, and again in a forked worker (threads do not survive fork).
        if self._pid == os.getpid() or self._stop.is_set():
            return
        with self._lock:
            if self._pid == os.getpid():
                return
            self._pid = os.getpid()
            self._thread = threading.Thread(target=self._run, name="audit-writer", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(self.delay)
            self._wake.clear()
            self.flush()
