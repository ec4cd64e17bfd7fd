"""Customer sub-lists stored as chunks (warehouse/sql/serving/list_chunks.sql) and paged by
api/serving.customer_page: every item once, in order, at every page size and chunk edge."""

from __future__ import annotations

import json
import sqlite3
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest

from api import serving as reading
from kernel.serving_contract import CHUNK_SIZE
from warehouse.serving import TABLES, _copy, _start, load_macros

INVOICES = next(t for t in TABLES if t.name == "customer_invoice")
# Customers with no item, one, exactly a chunk, a chunk and one, and several chunks.
SIZES = {
    "C-EMPTY": 0,
    "C-ONE": 1,
    "C-FULL": CHUNK_SIZE,
    "C-EDGE": CHUNK_SIZE + 1,
    "C-MANY": 2 * CHUNK_SIZE + 17,
}


@pytest.fixture(scope="module")
def lite(tmp_path_factory: pytest.TempPathFactory) -> sqlite3.Connection:
    con = duckdb.connect()
    con.execute("attach ':memory:' as serving")
    # The shape serving/customer_invoice.sql builds: seq the item's position in page
    # order (1..n per customer), then the invoice's fields (its money with exact decimals).
    con.execute(
        "create table serving.customer_invoice as "
        "select seq, customer_id, source_id, amount_incl_tax from ("
        "  select c.id as customer_id, i as seq, 'INV-' || c.id || '-' || i as source_id,"
        "  ('1000.00'::decimal(18,2) + i * '0.01'::decimal(18,2)) as amount_incl_tax"
        "  from (values ('C-ONE', 1), ('C-FULL', 50), ('C-EDGE', 51), ('C-MANY', 117)) c(id, n),"
        "  range(1, c.n + 1) t(i)) as r"
    )
    assert con.execute("select count(*) from serving.customer_invoice").fetchone() == (
        sum(SIZES.values()),
    )
    target = Path(tmp_path_factory.mktemp("chunks")) / "serving.sqlite"
    db = sqlite3.connect(target)
    _start(db, INVOICES.part)
    cursor = con.cursor()
    load_macros(cursor)
    _copy(cursor, db, INVOICES, True)
    db.commit()
    con.close()
    return db


def _walk(lite: sqlite3.Connection, customer_id: str, limit: int) -> list[dict[str, Any]]:
    seen, cursor = [], None
    while True:
        page = reading.customer_page(lite, "customer_invoice", customer_id, limit, cursor)
        assert page["count"] == SIZES[customer_id]
        assert len(page["data"]) <= limit
        seen += page["data"]
        cursor = page["next_cursor"]
        if cursor is None:
            return seen


@pytest.mark.parametrize("customer_id", sorted(SIZES))
@pytest.mark.parametrize("limit", [1, 2, CHUNK_SIZE - 1, CHUNK_SIZE, CHUNK_SIZE + 1, 200])
def test_pages_cover_every_item_once_in_order(
    lite: sqlite3.Connection, customer_id: str, limit: int
) -> None:
    seen = _walk(lite, customer_id, limit)
    expected = [f"INV-{customer_id}-{i}" for i in range(1, SIZES[customer_id] + 1)]
    assert [r["source_id"] for r in seen] == expected
    # Money to the cent, as built (a Decimal, never a float).
    assert [r["amount_incl_tax"] for r in seen] == [
        Decimal("1000.00") + i * Decimal("0.01") for i in range(1, SIZES[customer_id] + 1)
    ]
    assert all("customer_id" not in r for r in seen)


def test_chunks_hold_at_most_chunk_size_items(lite: sqlite3.Connection) -> None:
    rows = lite.execute("select customer_id, chunk, total, doc from customer_invoice").fetchall()
    by_customer: dict[str, list[int]] = {}
    for customer_id, chunk, total, doc in rows:
        items = json.loads(doc)
        assert 1 <= len(items) <= CHUNK_SIZE
        assert total == SIZES[customer_id]
        by_customer.setdefault(customer_id, []).append(chunk)
    assert by_customer == {
        "C-ONE": [0],
        "C-FULL": [0],
        "C-EDGE": [0, 1],
        "C-MANY": [0, 1, 2],
    }


def test_a_page_reads_one_index_range(lite: sqlite3.Connection) -> None:
    plan = lite.execute(
        "explain query plan select chunk, total, doc from customer_invoice"
        " where customer_id = ? and chunk between ? and ? order by chunk",
        ("C-MANY", 0, 1),
    ).fetchall()
    assert any("USING INDEX" in str(r[-1]) for r in plan), plan
    assert not any("SCAN" in str(r[-1]) for r in plan), plan


def test_a_cursor_past_the_end_is_an_empty_page_with_the_count(lite: sqlite3.Connection) -> None:
    page = reading.customer_page(lite, "customer_invoice", "C-EDGE", 10, "500")
    assert page == {"data": [], "count": SIZES["C-EDGE"], "next_cursor": None}
    empty = reading.customer_page(lite, "customer_invoice", "C-EMPTY", 10, None)
    assert empty == {"data": [], "count": 0, "next_cursor": None}
