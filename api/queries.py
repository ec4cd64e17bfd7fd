"""SQL text of the API's queries (api/sql/*.sql) and the paging cursors."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Annotated

from fastapi import Query

from api.errors import INVALID_CURSOR, ApiError

SQL_DIR = Path(__file__).parent / "sql"


@cache
def sql(name: str) -> str:
    """Text of api/sql/<name>.sql; values are always bound, never formatted in."""
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


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


def position_cursor(position: int) -> str:
    return str(position)


def cursor_position(cursor: str | None) -> int:
    """The position a cursor names (0 before the first page); 422 when malformed."""
    if not cursor:
        return 0
    if not re.fullmatch(POSITION_PATTERN, cursor):
        raise ApiError(422, "invalid_cursor", INVALID_CURSOR)
    return int(cursor)


def page_sql(base: str, order_by: str) -> tuple[str, str]:
    """Count and page statements around a base query (no ORDER BY/LIMIT in `base`).

    `order_by` is a constant from the code, never user input.
    """
    count = f"select count(*) as total from ({base}) as b"
    rows = f"select * from ({base}) as b order by {order_by} limit $limit offset $offset"
    return count, rows
