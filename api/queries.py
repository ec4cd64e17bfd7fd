"""The paging cursors of the API (every query reads the serving file: api/serving.py)."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import Query

from api.errors import INVALID_CURSOR, ApiError

# Paging cursors are declared exactly in the OpenAPI document, so that every value of the
# declared form is served (a position past the end gives an empty page) and any other is
# a 422 before the route runs: a client generated from the document never sends a cursor
# the server refuses.
# A position cursor: the seq (or search rank) of the last row sent, in decimal. Seqs are
# SQLite integers (64-bit signed): 18 digits stay below 2**63.
POSITION_PATTERN = r"^[1-9][0-9]{0,17}$"
PositionCursor = Annotated[
    str | None,
    Query(
        pattern=POSITION_PATTERN,
        description="`next_cursor` of the previous page; absent for the first page",
    ),
]


# A timeline cursor: how many items of each of its lists were sent (api/timeline.py), in
# decimal, dot-separated, in TIMELINE_LISTS order.
TIMELINE_PATTERN = r"^[0-9]{1,18}(\.[0-9]{1,18}){3}$"
TimelineCursor = Annotated[
    str | None,
    Query(
        pattern=TIMELINE_PATTERN,
        description="`next_cursor` of the previous page; absent for the first page",
    ),
]


def timeline_cursor(positions: list[int]) -> str:
    return ".".join(str(p) for p in positions)


def cursor_positions(cursor: str | None, count: int) -> list[int]:
    """The positions a timeline cursor names (zeros before the first page); 422 when
    malformed."""
    if not cursor:
        return [0] * count
    if not re.fullmatch(TIMELINE_PATTERN, cursor) or cursor.count(".") != count - 1:
        raise ApiError(422, "invalid_cursor", INVALID_CURSOR)
    return [int(p) for p in cursor.split(".")]


def position_cursor(position: int) -> str:
    return str(position)


def cursor_position(cursor: str | None) -> int:
    """The position a cursor names (0 before the first page); 422 when malformed."""
    if not cursor:
        return 0
    if not re.fullmatch(POSITION_PATTERN, cursor):
        raise ApiError(422, "invalid_cursor", INVALID_CURSOR)
    return int(cursor)
