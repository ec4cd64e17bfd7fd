"""Refused files are moved aside, never read (and refused) again every night.

A push was answered 202, so nobody is waiting to fix it: a refusal at night (a profile
changed since, or a push accepted before pushes were checked at the door) must not fail
every night after; its run row says `quarantined` and where.
A refused inbox file is moved the same way; its run row stays `refused` (someone must fix
the export) and names where it went.
Either way the file moves to quarantine/<source>/ with a `.reason.txt` beside it (the
reason, when, where it came from). Moving it back where it came from retries it.
"""

from __future__ import annotations

import logging
import os
from datetime import UTC, datetime
from pathlib import Path

from kernel.killpoint import kill_point
from kernel.settings import Settings, SourceConfig

logger = logging.getLogger(__name__)

STATUS = "quarantined"


def is_push(settings: Settings, source: str, path: Path) -> bool:
    return path.parent == settings.push_folder(source)


def is_inbox(source: SourceConfig, path: Path) -> bool:
    """Whether `path` was read from the source's inbox (not fetched by a connector)."""
    return source.inbox is not None and path.is_relative_to(source.inbox)


def target(settings: Settings, source: str, path: Path) -> Path:
    """Where a pushed file goes; a name already there is never overwritten."""
    folder = settings.quarantine_folder(source)
    out, n = folder / path.name, 1
    while out.exists():
        n += 1
        out = folder / f"{path.stem}.{n}{path.suffix}"
    return out


def move(path: Path, to: Path, reason: str) -> None:
    """Reason first, then the file (one rename on the same disk): a crash between the two
    leaves the push in place, retried once more."""
    to.parent.mkdir(parents=True, exist_ok=True)
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    note = f"{reason}\nrefused at: {when}\nfrom: {path}\nmove it back there to retry it\n"
    try:
        to.with_name(to.name + ".reason.txt").write_text(note, encoding="utf-8")
        kill_point("quarantine_move")
        os.replace(path, to)
    except OSError as exc:
        # An inbox on another disk or read-only: the file stays and is refused again.
        logger.warning("could not quarantine %s: %s", path, exc)
