"""Crash-test hook: SIGKILL this process at a named point of the nightly.

Inert in production: it does nothing unless the environment variable C360_TEST_KILL_AT
names the point (`tests/integration/test_sigkill_points.py` sets it on a `c360 nightly`
subprocess). A point is named `name` or, when it has a detail (the source being
ingested), `name:detail`; either form kills there. The points are listed in
docs/reliability.md ("Killed at any point").
"""

from __future__ import annotations

import os
import signal

KILL_ENV = "C360_TEST_KILL_AT"


def kill_point(name: str, detail: str | None = None) -> None:
    """SIGKILL ourselves here when C360_TEST_KILL_AT names this point; else nothing."""
    wanted = os.environ.get(KILL_ENV)
    if wanted and (wanted == name or (detail is not None and wanted == f"{name}:{detail}")):
        os.kill(os.getpid(), signal.SIGKILL)
