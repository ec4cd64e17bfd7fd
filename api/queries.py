"""SQL text of the API's queries (api/sql/*.sql) and opaque paging cursors."""

from __future__ import annotations

import base64
import json
from functools import cache
from pathlib import Path
from typing import Any

from api.errors import ApiError

SQL_DIR = Path(__file__).parent / "sql"


@cache
def sql(name: str) -> str:
    """Text of api/sql/<name>.sql; values are always bound, never formatted in."""
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


def encode_cursor(value: Any) -> str:
    raw = json.dumps(value, separators=(",", ":"), default=str).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> Any:
    if not cursor:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        return json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, TypeError) as exc:
        raise ApiError(
            422, "invalid_cursor", "The paging cursor is not valid: start again without it."
        ) from exc


def page_sql(base: str, order_by: str) -> tuple[str, str]:
    """Count and page statements around a base query (no ORDER BY/LIMIT in `base`).

    `order_by` is a constant from the code, never user input.
    """
    count = f"select count(*) as total from ({base}) as b"
    rows = f"select * from ({base}) as b order by {order_by} limit $limit offset $offset"
    return count, rows
