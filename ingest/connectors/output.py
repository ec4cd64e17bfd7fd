"""How connector pages land on disk, and the timestamp parsing the watermark relies on."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

_SAFE = re.compile(r"[^A-Za-z0-9._-]")


def page_name(obj: str, number: int) -> str:
    return f"page-{_SAFE.sub('_', obj)}-{number:05d}.json"


def write_page(out_dir: Path, obj: str, number: int, records: Sequence[dict[str, Any]]) -> Path:
    """Write one page atomically (temp file, fsync, rename): a crash never leaves half a page."""
    path = out_dir / page_name(obj, number)
    tmp = path.with_suffix(".json.tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        json.dump(list(records), fh, ensure_ascii=False, separators=(",", ":"))
        fh.flush()
        os.fsync(fh.fileno())
    tmp.replace(path)
    return path


def parse_timestamp(value: Any) -> datetime | None:
    """An aware UTC datetime from the vendors' shapes; None when absent or unreadable.

    Accepts ISO-8601 with `Z` (HubSpot, Dynamics), Salesforce's `+0000`, Odoo's naive
    `YYYY-MM-DD HH:MM:SS` (UTC by contract) and epoch milliseconds.
    """
    if value is None or value is False or value == "":
        return None
    if isinstance(value, int | float) or (isinstance(value, str) and value.isdigit()):
        return datetime.fromtimestamp(int(value) / 1000, tz=UTC)
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def as_utc(moment: datetime) -> datetime:
    """Naive datetimes from callers are taken as UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
