"""The customers' lists of the serving contract: items in an Arrow file, an index beside.

Each list's items are the rows of an Arrow IPC file of its own (kernel/serving_contract.
list_file), every customer's items together, and the list's index (index_file: customer_id,
first, total, sorted by customer id in one record batch) says where the customer's rows
start and how many there are (api/list_index.py finds a customer by binary search). The
`-- order:` line of the list's serving/<list>.sql says how its items are ordered:

- an order over its columns (`item.issue_date desc, item.source_id`): the items in customer
  order, then that one (one sort); the index is each customer's run of rows among the
  written ones;
- `none`: one item per customer (the profile), written in the select's own order, unsorted
  (sorting kilobytes of JSON per customer cost more than writing them); the index is the
  written rows' customer ids, sorted in Arrow.

Either way the select (serving/list_items.sql) gives each row's customer id first, which
is not written to the file: the index is made from those ids, as written (counting the items again in DuckDB, a
second evaluation of the list's select, cost 0.5 to 1 CPU-s per list at 1M customers).

An item is every column but `customer_id` (the index says whose), and but `seq` (it only
orders); a list of documents (a `doc` column) stores its documents alone. Money, dates and
times keep their types (Arrow's decimal128, date32, timestamp), and lists of text theirs:
the API's response models take them as read, and a sort carrying fixed-width values instead of their text costs
about 40 % less (docs/benchmarks.md).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from kernel.killpoint import kill_point
from kernel.serving_contract import index_file, list_file
from kernel.snapshots import fsync
from kernel.sqlquote import quote_ident
from warehouse.sqlfiles import sql
from warehouse.sqlite_bulk import BulkWriter

_ORDER = re.compile(r"^--\s*order:\s*(.+)$", re.MULTILINE)
# `-- order: none`: one item per customer, in the select's own order.
UNORDERED = "none"
# Rows per record batch of a list's Arrow file: a page is a slice of one (or, at a
# batch's edge, two).
ARROW_BATCH = 65_536
# The same for a list of JSON documents (a `doc` column, the profile's `head` and `tail`):
# 65,536 profiles are a batch of 115 MB, whose memory the allocator maps afresh for every
# batch and returns after it (3.4 s of the kernel's CPU for the profile at 1M customers);
# batches of 8,192 reuse the same memory (1.3 s).
DOCUMENT_BATCH = 8_192
_DOCUMENTS = frozenset({"doc", "head", "tail"})
# Columns stored as they are (in an Arrow file or SQLite); a sum of integers (HUGEINT,
# always a count here) as a BIGINT; in SQLite any other type (money, dates, times) as its
# text, as the JSON documents carry it (SQLite has no decimal; text keeps every cent).
_KEPT = frozenset({"VARCHAR", "BIGINT", "INTEGER", "BOOLEAN", "DOUBLE"})


# Besides _KEPT, the types an item keeps in its Arrow file: each comes back from a page's
# slice as the Python value its response model validates (Decimal, date, datetime).
_TYPED = re.compile(r"^(DATE|TIMESTAMP|TIMESTAMP WITH TIME ZONE|DECIMAL\(\d+,\d+\)|VARCHAR\[\])$")


def stored_column(column: str, kind: str, *, typed: bool = False) -> str:
    """The select expression storing `column` of DuckDB type `kind` in a serving file
    (`typed`: in a list's Arrow file, which keeps money, dates and times as they are)."""
    quoted = quote_ident(column)
    if kind.upper() in _KEPT or (typed and _TYPED.match(kind.upper())):
        return quoted
    cast = "bigint" if kind.upper() == "HUGEINT" else "varchar"
    return f"{quoted}::{cast} as {quoted}"


def arrow_rows(
    cursor: duckdb.DuckDBPyConnection, select: str, rows: int | None = None
) -> pa.RecordBatchReader:
    """DuckDB's `select` as a stream of Arrow record batches (of `rows` rows, by default
    ARROW_BATCH)."""
    return cursor.sql(select).to_arrow_reader(rows or ARROW_BATCH)


def list_order(name: str) -> str:
    """List `name`'s order among a customer's items: the `-- order:` line of its
    serving/<name>.sql, over its columns as `item` (or UNORDERED)."""
    found = _ORDER.search(sql(f"serving/{name}"))
    if found is None:
        raise ValueError(f"serving/{name}.sql has no `-- order:` line")
    return found.group(1).strip()


def list_items_select(con: duckdb.DuckDBPyConnection, name: str, items: str) -> str:
    """The select of list `name`'s Arrow rows from `items` (its serving/<name>.sql for
    this snapshot): the customer id, then its fields (stored_column, typed), in its
    order (the index is made from the ids)."""
    source = f"({items}) as item"
    described = [
        (str(r[0]), str(r[1]).upper())
        for r in con.execute(f"describe select * from {source}").fetchall()
    ]
    if any(column == "doc" for column, _ in described):
        described = [("doc", "VARCHAR")]
    columns = [
        stored_column(column, kind, typed=True)
        for column, kind in described
        if column not in ("customer_id", "seq")
    ]
    order = list_order(name)
    order_by = "" if order == UNORDERED else f"order by customer_id, {order}"
    return (
        sql("serving/list_items")
        .replace("{columns}", ", ".join(columns))
        .replace("{order_by}", order_by)
        .replace("{items}", source)
    )


def copy_list(cursor: duckdb.DuckDBPyConnection, name: str, items: str | None, main: Path) -> None:
    """List `name` from `items` (its select; None: the snapshot has none): its items into
    the Arrow file list_file(main, name), and where each customer's start and how many
    into its index file (index_file), from the customer ids of the rows written. The two
    are checked to agree."""
    path = list_file(main, name)
    if items is None:
        _write((), path, pa.schema([]))
        index = _index(pa.array([], pa.large_string()), *[pa.array([], pa.int64())] * 2)
    else:
        select = list_items_select(cursor, name, items)
        documents = _DOCUMENTS & {
            str(r[0]) for r in cursor.execute(f"describe {select}").fetchall()
        }
        rows = arrow_rows(cursor, select, DOCUMENT_BATCH if documents else None)
        if list_order(name) == UNORDERED:
            ids, written = _write_items(rows, path, _copied)
            index = _places_index(name, ids)
        else:
            runs, written = _write_items(rows, path, _runs)
            index = _runs_index(name, runs)
        _check(name, index, written)
    # One record batch: the reader bisects one array of ids.
    at = index_file(main, name)
    _write(index.combine_chunks().to_batches(), at, index.schema)
    # On disk before the publish renames them.
    fsync(path)
    fsync(at)


def copy_file(cursor: duckdb.DuckDBPyConnection, select: str | None, path: Path) -> None:
    """The rows of `select` (None: none) into the Arrow file `path`, as they come."""
    if select is None:
        _write((), path, pa.schema([]))
    else:
        rows = arrow_rows(cursor, select)
        _write(rows, path, rows.schema)
    fsync(path)


def ingest_with_docs(
    bulk: BulkWriter, table: str, rows: pa.RecordBatchReader | None, column: str, path: Path
) -> int:
    """`rows` (None: none) into `bulk`'s table `table` but their column `column`, which goes
    to the Arrow file `path`, in the same order (one pass: row k of the file is the
    document of the k-th row inserted); how many rows."""
    if rows is None:
        _write((), path, pa.schema([pa.field(column, pa.string())]))
        fsync(path)
        return 0
    at = rows.schema.get_field_index(column)
    kept = rows.schema.remove(at)
    docs = pa.schema([rows.schema.field(at)])
    written = 0
    with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, docs) as writer:

        def batches() -> Iterator[pa.RecordBatch]:
            nonlocal written
            for batch in rows:
                writer.write_batch(pa.RecordBatch.from_arrays([batch.column(at)], schema=docs))
                written += batch.num_rows
                yield batch.drop_columns([column])

        bulk.ingest(table, pa.RecordBatchReader.from_batches(kept, batches()))
    fsync(path)
    return written


def _write(batches: Iterable[pa.RecordBatch], path: Path, schema: pa.Schema) -> int:
    """Write `batches` (of `schema`) to the Arrow file `path`; how many rows."""
    written = 0
    with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, schema) as writer:
        for batch in batches:
            writer.write_batch(batch)
            written += batch.num_rows
            kill_point("serving_write")
    return written


def _write_items(
    rows: pa.RecordBatchReader, path: Path, keep: Callable[[pa.Array], pa.Array]
) -> tuple[list[pa.Array], int]:
    """The rows but their first column (the customer id) into the Arrow file `path`;
    `keep` of each batch's ids (a copy, or their runs: a batch's slice would hold the
    whole batch in memory), in the rows' order, and how many rows."""
    schema = rows.schema.remove(0)
    kept: list[pa.Array] = []

    def batches() -> Iterator[pa.RecordBatch]:
        for batch in rows:
            kept.append(keep(batch.column(0)))
            yield pa.RecordBatch.from_arrays(batch.columns[1:], schema=schema)

    return kept, _write(batches(), path, schema)


def _copied(ids: pa.Array) -> pa.Array:
    """A batch's ids, copied (large offsets: a list's ids together may outgrow 2 GiB)."""
    return ids.cast(pa.large_string())


def _runs(ids: pa.Array) -> pa.Array:
    """A batch's ids as runs (one value and where it ends per customer)."""
    return pc.run_end_encode(ids.cast(pa.large_string()), run_end_type=pa.int64())


def _index(ids: pa.Array, first: pa.Array, total: pa.Array) -> pa.Table:
    return pa.Table.from_arrays([ids, first, total], names=["customer_id", "first", "total"])


def _runs_index(name: str, runs: Sequence[pa.Array]) -> pa.Table:
    """A list in customer order: each customer's run of rows (where it starts, how long),
    from the runs of each batch written (_runs), instead of counting the items again in
    DuckDB. A customer's rows may span batches: its runs there are joined. The customers
    are checked to be in strictly increasing byte order, the order the API bisects."""
    values = [r.values for r in runs if len(r)]
    if not values:
        none = pa.array([], pa.int64())
        return _index(pa.array([], pa.large_string()), none, none)
    offsets = itertools.accumulate((len(r) for r in runs), initial=0)
    customers = pa.concat_arrays(values)
    ends = pa.concat_arrays(
        [pc.add(r.run_ends, offset) for r, offset in zip(runs, offsets, strict=False) if len(r)]
    )
    # A run continued in the next batch: only the customer's last run says where it ends.
    last = pa.concat_arrays([pc.not_equal(customers[:-1], customers[1:]), pa.array([True])])
    customers, ends = customers.filter(last), ends.filter(last)
    # Each customer once, in the index's order: else a lookup would miss rows.
    if len(customers) > 1 and pc.any(pc.less_equal(customers[1:], customers[:-1])).as_py():
        raise RuntimeError(
            f"serving list {name}: its rows are not in customer order; the build is not published"
        )
    starts = pa.concat_arrays([pa.array([0], pa.int64()), ends[:-1]])
    return _index(customers, starts, pc.subtract(ends, starts))


def _places_index(name: str, chunks: Sequence[pa.Array]) -> pa.Table:
    """One item per customer, written in the select's order: the index from the ids,
    sorted here, in Arrow (by their bytes, the order the API bisects)."""
    ids = pa.concat_arrays(chunks) if chunks else pa.array([], pa.large_string())
    order = pc.sort_indices(ids)
    ranked = pc.take(ids, order)
    # Sorted, a customer named twice is two equal neighbours (a hash of every id to
    # count the distinct ones cost ten times the sort at 1M customers).
    if len(ranked) > 1 and pc.any(pc.equal(ranked[1:], ranked[:-1])).as_py():
        raise RuntimeError(
            f"serving list {name}: a customer has more than one item, but its "
            "`-- order: none` says one each; the build is not published"
        )
    # first = the row's place in the file; total = 1 (a place equals itself).
    return _index(ranked, order.cast(pa.int64()), pc.equal(order, order).cast(pa.int64()))


def _check(name: str, index: pa.Table, written: int) -> None:
    indexed = pc.sum(index.column("total")).as_py()
    if int(indexed or 0) != written:
        raise RuntimeError(
            f"serving list {name}: {written} items written but its index counts "
            f"{indexed}; the build is not published"
        )
