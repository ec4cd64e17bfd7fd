"""Pushed files the night refuses are moved aside, never retried forever.

A push was answered 202, so nobody is waiting to fix it: a refusal at night (a profile
changed since, or a push accepted before pushes were checked at the door) must not fail
every night after. The file moves to quarantine/<source>/ with a `.reason.txt` beside it;
its run row says `quarantined` and where. Moving it back into inbox_push/<source>/ retries it.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from warehouse.settings import Settings

logger = logging.getLogger(__name__)

STATUS = "quarantined"


def is_push(settings: Settings, source: str, path: Path) -> bool:
    return path.parent == settings.push_dir / source


def target(settings: Settings, source: str, path: Path) -> Path:
    """Where a pushed file goes; a name already there is never overwritten."""
    folder = settings.quarantine_dir / source
    out, n = folder / path.name, 1
    while out.exists():
        n += 1
        out = folder / f"{path.stem}.{n}{path.suffix}"
    return out


def move(path: Path, to: Path, reason: str) -> None:
    """Reason first, then the file (one rename on the same disk): a crash between the two
    leaves the push in place, retried once more."""
    to.parent.mkdir(parents=True, exist_ok=True)
    to.with_name(to.name + ".reason.txt").write_text(reason + "\n", encoding="utf-8")
    try:
        os.replace(path, to)
    except OSError:
        logger.exception("could not quarantine %s", path)
