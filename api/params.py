"""Query parameters parsed strictly: a value that is not exactly the documented form is a
422, never silently ignored."""

from __future__ import annotations

import re
from datetime import date

from api.errors import ApiError

_MONTH = re.compile(r"(\d{4})-(\d{2})(?:-(\d{2}))?")


def parse_month(value: str | None, name: str) -> date | None:
    """'2026-11' or '2026-11-28' (a real date) → the first day of that month."""
    if not value:
        return None
    found = _MONTH.fullmatch(value)
    if found:
        year, month, day = found.groups()
        try:
            date(int(year), int(month), int(day or 1))
            return date(int(year), int(month), 1)
        except ValueError:
            pass
    raise ApiError(
        422,
        "validation_error",
        f"{name}: expected a month such as 2026-11 (or a date such as 2026-11-28), got {value!r}.",
    )
