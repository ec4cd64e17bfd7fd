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

from kernel.errors import describe
from kernel.settings import Settings

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
    return FileLock(str(settings.nightly_lock_file))


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
            "nothing new published (the build said why above); the previous snapshot is still served",
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
    *,
    now: Callable[[], datetime] = datetime.now,
    sleep: Callable[[float], None] = time.sleep,
    nights: int | None = None,
) -> None:
    """Run the nightly job at each cron time, forever (or `nights` times: the tests' clock).

    A failed night, even one that raised, is logged and the schedule waits for the next:
    the job a person set up once must not stop at the first bad extract."""
    cron = croniter(settings.schedule.cron, now())
    ran = 0
    while nights is None or ran < nights:
        due = cron.get_next(datetime)
        console.print(f"next nightly run at {due:%Y-%m-%d %H:%M}")
        sleep(max(0.0, (due - now()).total_seconds()))
        try:
            ok, message, _ = run_nightly(settings, ingest, build, after_publish)
        except Exception as exc:
            logger.error("nightly run at %s raised", due, exc_info=exc)
            ok, message = False, describe(exc)
        if not ok:
            logger.error("nightly run at %s failed: %s", due, message)
        console.print(f"nightly run: {'ok' if ok else 'FAILED'} — {message}", soft_wrap=True)
        ran += 1
