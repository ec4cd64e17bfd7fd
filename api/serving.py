"""Reads of the serving contract (warehouse/serving.py): keyed lookups and keyset pages.

Every statement here is one primary-key or index-range read of the snapshot's SQLite
serving file; table and column names are constants of this module, values are bound. A
customer's sub-lists are read from their Arrow files (api/list_rows.py).
"""

from __future__ import annotations

import json
import sqlite3
from decimal import Decimal
from typing import Any

from api.list_rows import LISTS, ListFiles
from api.queries import cursor_position, position_cursor


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
    # customer_search's (customer_id, owner) index answers it alone.
    row = one(
        lite,
        "select customer_id, owner from customer_search where customer_id = ?",
        (customer_id,),
    )
    return (row[0], row[1]) if row else None


def provenance_sources(
    lite: sqlite3.Connection, sources: list[str]
) -> dict[str, tuple[str | None, str | None, str | None, str | None]]:
    """Source → (system, role, last run, when it loaded) of `sources` (the profile's
    provenance): its system and role (`provenance_source`) and its last successful load
    (`health_source`, /health's), each when known; a few primary-key reads."""
    rows = lite.execute(
        "select s.value, p.system, p.role, h.doc ->> '$.run_id', h.doc ->> '$.last_success'"
        " from json_each(?) as s"
        " left join provenance_source as p on p.source = s.value"
        " left join health_source as h on h.source = s.value",
        (json.dumps(sources),),
    ).fetchall()
    return {str(r[0]): (r[1], r[2], r[3], r[4]) for r in rows}


def redirect(lite: sqlite3.Connection, customer_id: str) -> str | None:
    row = one(
        lite, "select customer_id from customer_redirect where old_customer_id = ?", (customer_id,)
    )
    return str(row[0]) if row else None


def customer_page(
    lists: ListFiles,
    table: str,
    customer_id: str,
    limit: int,
    cursor: str | None,
) -> dict[str, Any]:
    """One page of a customer's sub-list and its item count.

    The cursor is the position of the page's last item among the customer's; the page is
    the rows after it in the list's Arrow file, where the customer's items start at the
    row its index (one binary search) gives.
    """
    if table not in LISTS:
        raise ValueError(table)
    after = seq_from(cursor)
    first, total = lists.place(table, customer_id) or (0, 0)
    count = max(0, min(limit, total - after))
    data = lists.read(table, first + after, count) if count else []
    more = after + len(data) < total
    return {
        "data": data,
        "count": total,
        "next_cursor": seq_cursor(after + len(data)) if more and data else None,
    }


def _page(
    rows: list[tuple[Any, ...]], limit: int, count: int, data: list[Any] | None = None
) -> dict[str, Any]:
    """rows (seq, doc) as a page, or (seq, …) with `data` their items."""
    more = len(rows) > limit
    rows = rows[:limit]
    return {
        "data": data if data is not None else [loads(r[1]) for r in rows],
        "count": count,
        "next_cursor": seq_cursor(int(rows[-1][0])) if more and rows else None,
    }


def _filtered(
    lite: sqlite3.Connection,
    table: str,
    seq: str,
    columns: str,
    filters: dict[str, Any],
    limit: int,
    cursor: str | None,
) -> tuple[list[tuple[Any, ...]], int]:
    """`limit` + 1 rows (seq, `columns`) of `table` after the cursor in `seq` order,
    filtered on indexed columns, and their count: the max seq when unfiltered (one index
    read), else an index-range count. `table`, `seq`, `columns` and the filter conditions
    (keys such as "owner = ?") are constants of the routes; values are bound."""
    after = seq_from(cursor)
    active = {k: v for k, v in filters.items() if v is not None}
    conditions = " and ".join([f"{seq} is not null", *active])
    rows = lite.execute(
        f"select {seq}, {columns} from {table} where {conditions}"
        f" and {seq} > ? order by {seq} limit ?",
        (*active.values(), after, limit + 1),
    ).fetchall()
    if active:
        counted = one(
            lite, f"select count(*) from {table} where {conditions}", tuple(active.values())
        )
    else:
        counted = one(lite, f"select coalesce(max({seq}), 0) from {table}", ())
    return rows, int(counted[0]) if counted else 0


def filtered_page(
    lite: sqlite3.Connection,
    table: str,
    seq: str,
    filters: dict[str, Any],
    limit: int,
    cursor: str | None,
) -> dict[str, Any]:
    """A page of a page-level list in `seq` order, filtered on indexed columns (_filtered)."""
    rows, count = _filtered(lite, table, seq, "doc", filters, limit, cursor)
    return _page(rows, limit, count)


def alert_page(
    lite: sqlite3.Connection,
    lists: ListFiles,
    filters: dict[str, Any],
    limit: int,
    cursor: str | None,
) -> dict[str, Any]:
    """A page of GET /alerts: a customer's alert is the document of its profile's list
    (`customer_alert`, at `place`) with the alert's owner, else its customer's (`owner`);
    an alert of no customer has its own document."""
    rows, count = _filtered(lite, "alert", "seq", "place, owner, doc", filters, limit, cursor)
    data = []
    for _, place, owner, doc in rows[:limit]:
        if place is None:
            data.append(loads(doc))
            continue
        [listed] = lists.column("customer_alert", "doc", int(place), 1)
        found = loads(listed)
        found["owner"] = owner
        data.append(found)
    return _page(rows, limit, count, data)


def part(lite: sqlite3.Connection, name: str) -> Any:
    """One of the quality page's aggregates ([] when the snapshot had none)."""
    row = one(lite, "select doc from quality_part where part = ?", (name,))
    return loads(row[0]) if row else []


def aging(lite: sqlite3.Connection) -> dict[str, Any]:
    row = one(lite, "select doc from aging", ())
    return loads(row[0]) if row else {}
