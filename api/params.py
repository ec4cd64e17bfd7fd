"""Query parameters parsed strictly: a value that is not exactly the documented form is a
422, never silently ignored; and every value of the documented form is served (the
OpenAPI document declares the form, so a client generated from it sends no other)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from fastapi import Query

from api.errors import ApiError

# A month is 2026-11 (years from 1000; a real date such as 2026-11-28 names its month too).
MONTH_PATTERN = r"^[1-9][0-9]{3}-(0[1-9]|1[0-2])$"
_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")


def month_query(alias: str) -> Any:
    """The `Query` of a month parameter, declared as a month or an RFC 3339 full-date."""
    return Query(
        alias=alias,
        description="a month such as 2026-11, or a date such as 2026-11-28 (its month)",
        json_schema_extra={
            "anyOf": [
                {"type": "string", "pattern": MONTH_PATTERN},
                {"type": "string", "format": "date"},
                {"type": "null"},
            ]
        },
    )


def parse_month(value: str | None, name: str) -> date | None:
    """'2026-11' or '2026-11-28' (a real date) → the first day of that month."""
    if value is None:
        return None
    if re.fullmatch(MONTH_PATTERN, value):
        return date(int(value[:4]), int(value[5:7]), 1)
    found = _DATE.fullmatch(value)
    if found:
        year, month, day = (int(part) for part in found.groups())
        try:
            date(year, month, day)
            return date(year, month, 1)
        except ValueError:
            pass
    raise ApiError(
        422,
        "validation_error",
        f"{name}: expected a month such as 2026-11 (or a date such as 2026-11-28), got {value!r}.",
    )
