"""A customer's timeline (GET /customers/{id}/timeline): its invoices, orders,
opportunities, payments and relationship events merged, newest first.

The build stores no second copy of the invoices, orders and opportunities for it: each of
their lists is already in the timeline's order (date newest first, undated last, then
source and source id, which are unique in a list), and the list `customer_timeline` holds
the other events (payments, activities, tickets, quotes) in the same order, with event
type last for two events of one source id. A page merges at most `limit` items of each
list from where the previous page stopped: the cursor says how many of each were sent
(`a.b.c.d`, TIMELINE_LISTS order). Bounded: four primary-key reads of the lists' indexes
and four slices of at most `limit` rows.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from datetime import date
from typing import Any

from api.list_rows import ListFiles
from api.queries import cursor_positions, timeline_cursor


def _invoice(r: dict[str, Any]) -> dict[str, Any]:
    return {
        "event_date": r["issue_date"],
        "event_type": r["kind"] or "invoice",
        "source": r["source"],
        "source_id": r["source_id"],
        "reference": r["invoice_number"],
        "status": r["status"],
        "amount": r["amount_incl_tax"],
        "currency": r["currency"],
        "kind": None,
        "subject": None,
    }


def _order(r: dict[str, Any]) -> dict[str, Any]:
    return {
        "event_date": r["order_date"],
        "event_type": "order",
        "source": r["source"],
        "source_id": r["source_id"],
        "reference": r["order_number"],
        "status": r["status"],
        "amount": r["amount_incl_tax"],
        "currency": r["currency"],
        "kind": None,
        "subject": None,
    }


def _opportunity(r: dict[str, Any]) -> dict[str, Any]:
    return {
        "event_date": r["close_date"],
        "event_type": "opportunity",
        "source": r["source"],
        "source_id": r["source_id"],
        "reference": r["name"],
        "status": r["stage"] if r["stage"] is not None else r["status"],
        "amount": r["amount"],
        "currency": None,
        "kind": None,
        "subject": None,
    }


def _event(r: dict[str, Any]) -> dict[str, Any]:
    return r


# The lists merged, each with its items as timeline events; the cursor's order.
TIMELINE_LISTS: tuple[tuple[str, Callable[[dict[str, Any]], dict[str, Any]]], ...] = (
    ("customer_invoice", _invoice),
    ("customer_order", _order),
    ("customer_opportunity", _opportunity),
    ("customer_timeline", _event),
)
_LISTS = tuple(name for name, _ in TIMELINE_LISTS)


def _text(value: str | None) -> tuple[bool, str]:
    # DuckDB's order: text by its bytes (UTF-8 keeps code points' order), nulls last.
    return (value is None, value or "")


def order_key(event: dict[str, Any]) -> tuple[Any, ...]:
    """The timeline's order (the `-- order:` line of serving/customer_timeline.sql):
    event date newest first, undated last, then source, source id, event type."""
    day: date | None = event["event_date"]
    return (
        day is None,
        -day.toordinal() if day is not None else 0,
        _text(event["source"]),
        _text(event["source_id"]),
        _text(event["event_type"]),
    )


def timeline_page(
    lists: ListFiles, customer_id: str, limit: int, cursor: str | None
) -> dict[str, Any]:
    """One page of the customer's timeline, its item count and the next page's cursor."""
    sent = cursor_positions(cursor, len(TIMELINE_LISTS))
    places = lists.places(_LISTS, customer_id)
    streams = []
    totals = []
    for i, (name, as_event) in enumerate(TIMELINE_LISTS):
        first, total = places.get(name, (0, 0))
        totals.append(total)
        count = max(0, min(limit, total - sent[i]))
        rows = lists.read(name, first + sent[i], count) if count else []
        streams.append([(order_key(e), i, j, e) for j, e in enumerate(map(as_event, rows))])
    data: list[dict[str, Any]] = []
    after = list(sent)
    for _, i, _, event in heapq.merge(*streams):
        if len(data) == limit:
            break
        data.append(event)
        after[i] += 1
    more = any(a < t for a, t in zip(after, totals, strict=True))
    return {
        "data": data,
        "count": sum(totals),
        "next_cursor": timeline_cursor(after) if more and data else None,
    }
