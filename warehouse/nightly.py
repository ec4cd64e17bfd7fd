"""The nightly job (ingest then build) and the in-process scheduler that runs it.

A file lock under data_dir makes sure two nightly jobs never run at once, whether
started by `c360 schedule`, cron, a systemd timer or a person.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime
from typing import NamedTuple

from croniter import croniter
from filelock import FileLock, Timeout
from rich.console import Console

from warehouse.settings import Settings

logger = logging.getLogger(__name__)
Step = Callable[..., bool | None]

# Exit statuses of `c360 nightly` (and `c360 ingest`), documented in docs/reliability.md.
EXIT_OK = 0
EXIT_FAILED = 1  # nothing new published; the previous snapshot is still served
EXIT_REFUSALS = 3  # published, but some files were refused (and moved to quarantine)
EXIT_BUSY = 4  # another nightly job holds the lock; nothing done
EXIT_WRITEBACK = 5  # published, but a CRM write-back or a digest failed (retried next night)


class NightlyResult(NamedTuple):
    ok: bool
    message: str
    code: int = EXIT_OK


def nightly_lock(settings: Settings) -> FileLock:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return FileLock(str(settings.data_dir / "nightly.lock"))


def run_nightly(
    settings: Settings, ingest: Step, build: Step, after_publish: Step | None = None
) -> NightlyResult:
    """Ingest then build. A refused file does not stop the build of what did load,
    but the job still reports it (its own exit status) so the scheduler shows it.
    `after_publish` (the CRM write-back and the digests, when their settings ask) runs
    after a publish; it never raises, and what it failed is retried by the next night."""
    wrote: bool | None = True
    try:
        with nightly_lock(settings).acquire(timeout=0):
            ingested = ingest(settings)
            built = build(settings)
            if built and after_publish is not None:
                wrote = after_publish(settings)
    except Timeout:
        return NightlyResult(
            False,
            "another nightly job is running (lock held); not starting a second one",
            EXIT_BUSY,
        )
    if not built:
        return NightlyResult(
            False,
            "the build failed its checks; the previous snapshot is still served",
            EXIT_FAILED,
        )
    if ingested is None:
        return NightlyResult(
            False,
            "published with refusals: a source failed to load (see above); "
            "what did load was published",
            EXIT_REFUSALS,
        )
    if not ingested:
        return NightlyResult(
            False,
            "published with refusals: some files were refused (see above, now in "
            "data/quarantine); the rest was loaded and published",
            EXIT_REFUSALS,
        )
    if not wrote:
        return NightlyResult(
            False,
            "published, but some CRM write-backs or digests failed (see above); they are "
            "sent again next night",
            EXIT_WRITEBACK,
        )
    return NightlyResult(True, "ok")


def run_schedule(
    settings: Settings,
    ingest: Step,
    build: Step,
    console: Console,
    after_publish: Step | None = None,
) -> None:
    cron = croniter(settings.schedule.cron, datetime.now())
    while True:
        due = cron.get_next(datetime)
        console.print(f"next nightly run at {due:%Y-%m-%d %H:%M}")
        time.sleep(max(0.0, (due - datetime.now()).total_seconds()))
        ok, message, _ = run_nightly(settings, ingest, build, after_publish)
        console.print(f"nightly run: {'ok' if ok else 'FAILED'} — {message}")
