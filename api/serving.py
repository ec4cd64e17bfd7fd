"""Reads of the serving contract (warehouse/serving.py): keyed lookups and keyset pages.

Every statement here is one primary-key or index-range read of the snapshot's SQLite
serving file; table and column names are constants of this module, values are bound.
"""

from __future__ import annotations

import json
import sqlite3
from decimal import Decimal
from typing import Any

from api.queries import cursor_position, position_cursor
from kernel.serving_contract import CHUNK_SIZE

# Customer sub-lists, stored as chunks keyed (customer_id, chunk) in the order the API
# pages them.
LISTS = frozenset(
    {
        "customer_invoice",
        "customer_order",
        "customer_opportunity",
        "customer_contact",
        "customer_open_item",
        "customer_balance_history",
        "customer_timeline",
        "customer_activity",
        "customer_ticket",
        "customer_quote",
        "customer_payment",
        "customer_product",
    }
)


def loads(doc: str) -> Any:
    """A stored document as Python values; amounts as Decimal, to the cent as built."""
    return json.loads(doc, parse_float=Decimal)


def seq_from(cursor: str | None) -> int:
    """The last seq a keyset cursor names (0 before the first page); 422 when malformed."""
    return cursor_position(cursor)


def seq_cursor(seq: int) -> str:
    return position_cursor(seq)


def one(lite: sqlite3.Connection, text: str, params: tuple[Any, ...]) -> tuple[Any, ...] | None:
    row: tuple[Any, ...] | None = lite.execute(text, params).fetchone()
    return row


def customer_row(lite: sqlite3.Connection, customer_id: str) -> tuple[str, str | None] | None:
    """(customer_id, owner) of a customer, the access check's one lookup."""
    row = one(lite, "select customer_id, owner from customer where customer_id = ?", (customer_id,))
    return (row[0], row[1]) if row else None


def customer_parts(lite: sqlite3.Connection, customer_id: str) -> tuple[str, str, str] | None:
    """(head, sources, tail) of a customer's stored profile (warehouse/sql/serving/customer.sql)."""
    row = one(
        lite, "select head, sources, tail from customer where customer_id = ?", (customer_id,)
    )
    return (row[0], row[1], row[2]) if row else None


def redirect(lite: sqlite3.Connection, customer_id: str) -> str | None:
    row = one(
        lite, "select customer_id from customer_redirect where old_customer_id = ?", (customer_id,)
    )
    return str(row[0]) if row else None


def customer_page(
    lite: sqlite3.Connection, table: str, customer_id: str, limit: int, cursor: str | None
) -> dict[str, Any]:
    """One page of a customer's sub-list and its item count.

    The list is stored in chunks of CHUNK_SIZE items (kernel/serving_contract.py); the cursor is
    the position of the page's last item, so the page is the chunk range holding the
    positions after it: one index-range read, the count carried by every chunk, and the
    list's field names by key.
    """
    if table not in LISTS:
        raise ValueError(table)
    after = seq_from(cursor)
    # Positions after + 1 … after + limit (whether more follow, `total` says).
    first, last = after // CHUNK_SIZE, (after + limit - 1) // CHUNK_SIZE
    rows = lite.execute(
        f"select chunk, total, doc from {table}"
        " where customer_id = ? and chunk between ? and ? order by chunk",
        (customer_id, first, last),
    ).fetchall()
    if rows:
        total = int(rows[0][1])
    else:  # a cursor past the end: the count is still the list's
        counted = one(
            lite, f"select total from {table} where customer_id = ? limit 1", (customer_id,)
        )
        total = int(counted[0]) if counted else 0
    values: list[list[Any]] = []
    for row in rows:
        values.extend(loads(row[2]))
    start = after - first * CHUNK_SIZE
    page = values[start : start + limit]
    # Each item is stored as its values; the list's field names once (list_keys).
    keys = one(lite, "select keys from list_keys where name = ?", (table,)) if page else None
    names = loads(keys[0]) if keys else []
    data = [dict(zip(names, item, strict=True)) for item in page]
    more = after + len(data) < total
    return {
        "data": data,
        "count": total,
        "next_cursor": seq_cursor(after + len(data)) if more and data else None,
    }


def _page(rows: list[tuple[Any, ...]], limit: int, count: int) -> dict[str, Any]:
    more = len(rows) > limit
    rows = rows[:limit]
    return {
        "data": [loads(r[1]) for r in rows],
        "count": count,
        "next_cursor": seq_cursor(int(rows[-1][0])) if more and rows else None,
    }


def filtered_page(
    lite: sqlite3.Connection,
    table: str,
    seq: str,
    filters: dict[str, Any],
    limit: int,
    cursor: str | None,
) -> dict[str, Any]:
    """A page of a page-level list in `seq` order, filtered on indexed columns.

    `table`, `seq` and the filter conditions (keys such as "owner = ?") are constants of
    the routes; values are bound. The count is the max seq when unfiltered (one index
    read), else an index-range count.
    """
    after = seq_from(cursor)
    active = {k: v for k, v in filters.items() if v is not None}
    conditions = " and ".join([f"{seq} is not null", *active])
    rows = lite.execute(
        f"select {seq}, doc from {table} where {conditions} and {seq} > ? order by {seq} limit ?",
        (*active.values(), after, limit + 1),
    ).fetchall()
    if active:
        counted = one(
            lite, f"select count(*) from {table} where {conditions}", tuple(active.values())
        )
    else:
        counted = one(lite, f"select coalesce(max({seq}), 0) from {table}", ())
    return _page(rows, limit, int(counted[0]) if counted else 0)


def part(lite: sqlite3.Connection, name: str) -> Any:
    """One of the quality page's aggregates ([] when the snapshot had none)."""
    row = one(lite, "select doc from quality_part where part = ?", (name,))
    return loads(row[0]) if row else []


def aging(lite: sqlite3.Connection) -> dict[str, Any]:
    row = one(lite, "select doc from aging", ())
    return loads(row[0]) if row else {}
