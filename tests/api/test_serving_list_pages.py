"""Customer sub-lists as the build writes them (warehouse/serving.py: the items in an Arrow
file in customer order, each customer's first row and count in an index file beside) and
as api/serving.customer_page pages them: every item once, in the list's order (its
`-- order:` line), at every page size and across the file's record batches, money to the
cent. And the index's lookup (api/list_index.py) against a scan of its rows."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pytest

from api import list_index
from api import serving as reading
from api.list_index import ListIndex
from api.list_rows import ListFiles
from kernel.serving_contract import docs_file, index_file, list_file
from warehouse import serving as writing
from warehouse import serving_lists

INVOICES = next(t for t in writing.TABLES if t.name == "customer_invoice")
TICKETS = next(t for t in writing.TABLES if t.name == "customer_ticket")
# Customers with no item, one, several, and more than a record batch (BATCH rows in the
# test's files), so that pages start, end and straddle batch edges.
SIZES = {"C-EMPTY": 0, "C-ONE": 1, "C-FEW": 5, "C-EDGE": 8, "C-MANY": 23}
BATCH = 7


@dataclass
class Written:
    lists: ListFiles
    main: Path


def _index_rows(main: Path, name: str) -> list[tuple[str, int, int]]:
    rows = pa.ipc.open_file(pa.memory_map(str(index_file(main, name)))).read_all().to_pylist()
    return [(r["customer_id"], r["first"], r["total"]) for r in rows]


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Written]:
    con = duckdb.connect()
    con.execute("attach ':memory:' as serving")
    # The shape serving/customer_invoice.sql builds: the customer, then the invoice's
    # fields (money with exact decimals), inserted in no particular order. The list's order
    # (its `-- order:` line: latest issue date first) puts the i-th invoice i-th.
    con.execute(
        "create table serving.customer_invoice as "
        "select customer_id, source, source_id, amount_incl_tax, issue_date from ("
        "  select c.id as customer_id, 'erp' as source, 'INV-' || c.id || '-' || i as source_id,"
        "  ('1000.00'::decimal(18,2) + i * '0.01'::decimal(18,2)) as amount_incl_tax,"
        "  date '2026-03-01' - i::integer as issue_date"
        "  from (values ('C-ONE', 1), ('C-FEW', 5), ('C-EDGE', 8), ('C-MANY', 23)) c(id, n),"
        "  range(1, c.n + 1) t(i)) as r order by hash(source_id)"
    )
    main = Path(tmp_path_factory.mktemp("lists")) / "x.duckdb.serving.sqlite"
    cursor = writing._cursor(con)
    writing.load_macros(cursor)
    batch, serving_lists.ARROW_BATCH = serving_lists.ARROW_BATCH, BATCH
    try:
        items = "select * from serving.customer_invoice"
        writing._copy(cursor, None, INVOICES, True, items, main=main)
        writing._copy(cursor, None, TICKETS, False, main=main)  # the snapshot has none
    finally:
        serving_lists.ARROW_BATCH = batch
    con.close()
    lists = ListFiles(main)
    yield Written(lists, main)
    lists.close()


def _walk(written: Written, customer_id: str, limit: int) -> list[dict[str, Any]]:
    seen, cursor = [], None
    while True:
        page = reading.customer_page(written.lists, "customer_invoice", customer_id, limit, cursor)
        assert page["count"] == SIZES[customer_id]
        assert len(page["data"]) <= limit
        seen += page["data"]
        cursor = page["next_cursor"]
        if cursor is None:
            return seen


def test_the_file_has_several_batches(written: Written) -> None:
    file = pa.ipc.open_file(pa.memory_map(str(list_file(written.main, "customer_invoice"))))
    assert file.num_record_batches == -(-sum(SIZES.values()) // BATCH)


@pytest.mark.parametrize("customer_id", sorted(SIZES))
@pytest.mark.parametrize("limit", [1, 2, 3, BATCH, BATCH + 1, 200])
def test_pages_cover_every_item_once_in_order(
    written: Written, customer_id: str, limit: int
) -> None:
    seen = _walk(written, customer_id, limit)
    n = SIZES[customer_id]
    assert [r["source_id"] for r in seen] == [f"INV-{customer_id}-{i}" for i in range(1, n + 1)]
    # Money to the cent and dates as their types (the response model writes their text).
    assert [r["amount_incl_tax"] for r in seen] == [
        Decimal(f"{1000 + i / 100:.2f}") for i in range(1, n + 1)
    ]
    assert all(r["amount_incl_tax"].as_tuple().exponent == -2 for r in seen)
    assert [r["issue_date"] for r in seen] == [
        date(2026, 3, 1) - timedelta(days=i) for i in range(1, n + 1)
    ]
    # The customer is not an item's field (the index says whose the rows are).
    assert all(set(r) == {"source", "source_id", "amount_incl_tax", "issue_date"} for r in seen)


def test_the_index_says_where_each_customer_starts(written: Written) -> None:
    # Customers in the file's order (customer_id), each right after the one before, in
    # one record batch (the reader bisects one array).
    assert _index_rows(written.main, "customer_invoice") == [
        ("C-EDGE", 0, 8),
        ("C-FEW", 8, 5),
        ("C-MANY", 13, 23),
        ("C-ONE", 36, 1),
    ]
    path = index_file(written.main, "customer_invoice")
    assert pa.ipc.open_file(pa.memory_map(str(path))).num_record_batches == 1


def test_a_cursor_past_the_end_is_an_empty_page_with_the_count(written: Written) -> None:
    page = reading.customer_page(written.lists, "customer_invoice", "C-EDGE", 10, "500")
    assert page == {"data": [], "count": SIZES["C-EDGE"], "next_cursor": None}
    empty = reading.customer_page(written.lists, "customer_invoice", "C-EMPTY", 10, None)
    assert empty == {"data": [], "count": 0, "next_cursor": None}


def test_a_list_the_snapshot_lacks_is_empty_for_everyone(written: Written) -> None:
    assert list_file(written.main, "customer_ticket").exists()
    assert _index_rows(written.main, "customer_ticket") == []
    page = reading.customer_page(written.lists, "customer_ticket", "C-ONE", 10, None)
    assert page == {"data": [], "count": 0, "next_cursor": None}


def _index(path: Path, ids: list[str]) -> ListIndex:
    """An index file of `ids` (sorted by their bytes here), customer k at row 10 k."""
    ids = sorted(ids, key=str.encode)
    table = pa.table(
        {
            "customer_id": pa.array(ids, pa.large_string()),
            "first": pa.array([10 * k for k in range(len(ids))], pa.int64()),
            "total": pa.array([k + 1 for k in range(len(ids))], pa.int64()),
        }
    )
    with pa.ipc.new_file(str(path), table.schema) as writer:
        writer.write_table(table)
    return ListIndex(path)


@pytest.mark.parametrize("step", [1, 2, 3, 128])
def test_the_index_finds_every_customer_and_no_other(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, step: int
) -> None:
    monkeypatch.setattr(list_index, "STEP", step)
    rng = random.Random(step)
    # Ids of every length, prefixes of one another, accents (UTF-8 bytes, not code
    # points of another encoding), a space and an empty one.
    ids = {"", "A", "AB", "ABC", "C-1", "C-10", "C-2", "Zoé", "Zoe", "zoë", "é", "Ω-7", "a b"}
    ids |= {f"C{rng.randrange(10**6):06d}" for _ in range(300)}
    wanted = sorted(ids, key=str.encode)
    index = _index(tmp_path / "index.arrow", list(ids))
    for k, customer_id in enumerate(wanted):
        assert index.find(customer_id) == (10 * k, k + 1), customer_id
    # Before the first, between two, after the last, a prefix or extension of one.
    for absent in ("\x00", "AA", "C-11", "C-1 ", "C", "C9999999", "Zo", "zoë!", "~", "ΩΩ"):
        assert absent not in ids
        assert index.find(absent) is None, absent


def test_an_empty_index_finds_no_one(tmp_path: Path) -> None:
    index = _index(tmp_path / "index.arrow", [])
    assert index.find("C-1") is None
    assert index.find("") is None


def test_every_served_list_says_its_order() -> None:
    # One sort by (customer, the list's order), no rank per customer: every served list's
    # SQL names its order over its own columns, or `none` (one item per customer).
    con = duckdb.connect()
    for table in writing.TABLES:
        if table.is_list:
            select = serving_lists.list_items_select(con, table.name, "select 1 as customer_id")
            flat = " ".join(select.split())
            if serving_lists.list_order(table.name) == serving_lists.UNORDERED:
                assert "order by" not in flat, table.name
            else:
                assert "order by customer_id, item." in flat, table.name


def test_an_unordered_list_is_indexed_from_its_rows(tmp_path: Path) -> None:
    con = duckdb.connect()
    main = tmp_path / "x.duckdb.serving.sqlite"
    # The profile's list: one item per customer, written in the select's order (here
    # not the customers'), its documents across several record batches.
    items = (
        "select 'C' || lpad(((i * 7) % 20)::varchar, 2, '0') as customer_id,"
        " '{\"n\":' || i || '}' as head, '{}' as tail from range(20) t(i)"
    )
    batch, serving_lists.DOCUMENT_BATCH = serving_lists.DOCUMENT_BATCH, BATCH
    try:
        serving_lists.copy_list(con, "customer_profile", items, main)
    finally:
        serving_lists.DOCUMENT_BATCH = batch
    file = pa.ipc.open_file(pa.memory_map(str(list_file(main, "customer_profile"))))
    assert file.num_record_batches == -(-20 // BATCH)
    lists = ListFiles(main)
    try:
        index = _index_rows(main, "customer_profile")
        assert [r[0] for r in index] == [f"C{k:02d}" for k in range(20)]
        for customer_id, first, total in index:
            assert total == 1
            assert lists.place("customer_profile", customer_id) == (first, 1)
            i = next(i for i in range(20) if (i * 7) % 20 == int(customer_id[1:]))
            assert lists.column("customer_profile", "head", first, 1) == [f'{{"n":{i}}}']
    finally:
        lists.close()
    # Two items for one customer: refused, nothing published.
    with pytest.raises(RuntimeError, match="more than one item"):
        serving_lists.copy_list(con, "customer_profile", f"{items} union all {items}", main)


def test_an_ordered_list_is_indexed_from_the_runs_it_wrote() -> None:
    def runs(*batches: list[str]) -> list[pa.Array]:
        return [serving_lists._runs(pa.array(b, pa.string())) for b in batches]

    # C1's rows span two batches, C4's the last two; one batch is empty.
    index = serving_lists._runs_index(
        "customer_invoice", runs(["C1", "C1"], ["C1", "C2", "C4"], [], ["C4"])
    ).to_pylist()
    assert [(r["customer_id"], r["first"], r["total"]) for r in index] == [
        ("C1", 0, 3),
        ("C2", 3, 1),
        ("C4", 4, 2),
    ]
    assert serving_lists._runs_index("customer_invoice", runs([])).num_rows == 0
    assert serving_lists._runs_index("customer_invoice", []).num_rows == 0
    # A customer's rows apart, or customers out of the key's order: a page would miss
    # rows, so the build is refused.
    for wrong in (runs(["C1", "C2", "C1"]), runs(["C1", "C2"], ["C1"]), runs(["C2", "C1"])):
        with pytest.raises(RuntimeError, match="not in customer order"):
            serving_lists._runs_index("customer_invoice", wrong)


def test_documents_are_read_by_rowid_across_batches(tmp_path: Path) -> None:
    """A page-level table's documents file (kernel/serving_contract.DOC_FILES): rowid k is
    row k - 1, whichever batch holds it."""
    main = tmp_path / "x.duckdb.serving.sqlite"
    docs = [f'{{"n":{i}}}' for i in range(1, 251)]
    schema = pa.schema([pa.field("doc", pa.string())])
    with pa.ipc.new_file(str(docs_file(main, "alert")), schema) as writer:
        for start in (0, 100, 200):  # three batches: 100, 100, 50 rows
            writer.write_batch(pa.record_batch([pa.array(docs[start : start + 100])], schema))
    lists = ListFiles(main)
    wanted = [1, 100, 101, 200, 201, 250, 7]
    assert lists.docs("alert", wanted) == [docs[r - 1] for r in wanted]
    assert lists.docs("alert", []) == []
    lists.close()
