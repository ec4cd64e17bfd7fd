"""The nightly job (ingest then build) and the in-process scheduler that runs it.

A file lock under data_dir makes sure two nightly jobs never run at once, whether
started by `c360 schedule`, cron, a systemd timer or a person.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime

from croniter import croniter
from filelock import FileLock, Timeout
from rich.console import Console

from warehouse.settings import Settings

logger = logging.getLogger(__name__)
Step = Callable[..., bool]


def nightly_lock(settings: Settings) -> FileLock:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return FileLock(str(settings.data_dir / "nightly.lock"))


def run_nightly(settings: Settings, ingest: Step, build: Step) -> tuple[bool, str]:
    """Ingest then build. A refused file does not stop the build of what did load,
    but the job still reports failure so the scheduler shows it."""
    try:
        with nightly_lock(settings).acquire(timeout=0):
            ingested = ingest(settings)
            built = build(settings)
    except Timeout:
        return False, "another nightly job is running (lock held); not starting a second one"
    if not built:
        return False, "the build failed its checks; the previous snapshot is still served"
    if not ingested:
        return False, "some files were refused (see above); the rest was loaded and published"
    return True, "ok"


def run_schedule(settings: Settings, ingest: Step, build: Step, console: Console) -> None:
    cron = croniter(settings.schedule.cron, datetime.now())
    while True:
        due = cron.get_next(datetime)
        console.print(f"next nightly run at {due:%Y-%m-%d %H:%M}")
        time.sleep(max(0.0, (due - datetime.now()).total_seconds()))
        ok, message = run_nightly(settings, ingest, build)
        console.print(f"nightly run: {'ok' if ok else 'FAILED'} — {message}")
