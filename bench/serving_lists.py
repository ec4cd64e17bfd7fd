"""What one served sub-list costs to write and to read, in two storages:
`python -m bench.serving_lists [snapshots dir] [list name]`.

- chunks: what the contract writes today (serving/list_chunks.sql: JSON chunks of 50 items
  copied into SQLite), broken down into DuckDB's parts (the list's select with its
  row_number, each item rendered as JSON, the chunks aggregated) and the whole copy;
- arrow: the same items as typed rows in customer order (money and dates as text, as the
  chunks carry them) in an Arrow IPC file, with each customer's first row and count.

Then the read of one page of each customer's list from both, as api/serving.customer_page
does (SQLite: the chunk range, parsed; Arrow: the row range of a memory-mapped file).
Prints CPU seconds per million items and microseconds per page. Default: the serving
bench's 100k build (`BENCH_SIZE=100000 python -m bench --only serving` makes it).
Decides nothing by itself: docs/benchmarks.md ("Where the contract's CPU goes") records
what it measured and what follows.
"""

from __future__ import annotations

import bisect
import shutil
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from api import serving as reading
from bench.common import OUT
from kernel.serving_contract import connect_serving, serving_path
from warehouse import serving

DEFAULT = OUT / "scale" / "build_n100000" / "data_serving" / "snapshots"
PAGE = 50
PAGES_READ = 5000
_TEXT_KINDS = ("VARCHAR", "BIGINT", "INTEGER", "BOOLEAN", "DOUBLE")


def _timed(label: str, items: int, fn: Callable[[], Any]) -> None:
    started, cpu = time.perf_counter(), time.process_time()
    fn()
    wall, used = time.perf_counter() - started, time.process_time() - cpu
    per = used / items * 1e6
    print(f"{label:42s} wall {wall:6.2f} s  CPU {used:6.2f} s  ({per:.2f} CPU-s per 1M items)")


def _drain(con: duckdb.DuckDBPyConnection, query: str) -> None:
    """Run `query` whole: its column `v` summed, so the optimizer cannot drop its work."""
    con.execute(f"select count(*), sum(length(v::varchar)) from ({query})").fetchall()


def _copy_chunks(con: duckdb.DuckDBPyConnection, table: serving.ServingTable, items: str) -> Path:
    target = Path(tempfile.mkdtemp(prefix="lists-", dir=OUT)) / "chunks.sqlite"
    lite = sqlite3.connect(target)
    serving._start(lite, table.part)
    cursor = serving._cursor(con)
    serving.load_macros(cursor)  # temp macros: each cursor its own
    serving._copy(cursor, lite, table, True, items)
    cursor.close()
    lite.commit()
    lite.close()
    return target


def _arrow_select(con: duckdb.DuckDBPyConnection, items: str) -> str:
    described = con.execute(f"describe select * from ({items})").fetchall()
    columns = [
        f'"{name}"' if kind in _TEXT_KINDS else f'"{name}"::varchar as "{name}"'
        for name, kind, *_ in described
        if name not in ("customer_id", "seq")
    ]
    return (
        f"select {', '.join(columns)} from ({items}) where customer_id is not null"
        " order by customer_id, seq"
    )


def _index_select(items: str) -> str:
    return (
        "select customer_id, (sum(count(*)) over (order by customer_id) - count(*))::bigint"
        f" as first, count(*) as total from ({items}) where customer_id is not null"
        " group by customer_id order by customer_id"
    )


def _write_arrow(con: duckdb.DuckDBPyConnection, items: str, target: Path) -> None:
    reader = con.sql(_arrow_select(con, items)).to_arrow_reader(65536)
    with pa.OSFile(str(target), "wb") as sink, pa.ipc.new_file(sink, reader.schema) as writer:
        for batch in reader:
            writer.write_batch(batch)
    con.execute(_index_select(items)).fetchall()


def _read_pages(
    main: Path, name: str, arrow: Path, index: dict[str, tuple[int, int]], ids: list[str]
) -> None:
    lite = connect_serving(main)
    started = time.perf_counter()
    for customer_id in ids:
        reading.customer_page(lite, name, customer_id, PAGE, None)
    chunk_us = (time.perf_counter() - started) / len(ids) * 1e6
    file = pa.ipc.open_file(pa.memory_map(str(arrow)))
    batches = [file.get_batch(i) for i in range(file.num_record_batches)]
    starts = [0]
    for batch in batches[:-1]:
        starts.append(starts[-1] + batch.num_rows)
    table = pa.Table.from_batches(batches, file.schema)
    started = time.perf_counter()
    for customer_id in ids:
        first, total = index[customer_id]
        at = bisect.bisect_right(starts, first) - 1
        batch = batches[at]
        offset, count = first - starts[at], min(PAGE, total)
        if offset + count <= batch.num_rows:
            batch.slice(offset, count).to_pylist()
        else:  # a customer across two batches
            table.slice(first, count).to_pylist()
    arrow_us = (time.perf_counter() - started) / len(ids) * 1e6
    print(f"page of {PAGE} (or fewer): chunks {chunk_us:.0f} us, arrow {arrow_us:.0f} us")
    lite.close()


def main() -> None:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    name = sys.argv[2] if len(sys.argv) > 2 else "customer_invoice"
    snapshot = sorted(folder.glob("*.duckdb"))[-1]
    table = next(t for t in serving.TABLES if t.name == name and t.is_list and t.served)
    con = duckdb.connect()
    con.execute(f"attach '{snapshot}' as snap (read_only)")
    con.execute("use snap")
    con.execute("attach ':memory:' as serving")
    serving.load_macros(con)
    items = serving._relation(name, serving._present(con))
    if items is None:
        raise SystemExit(f"{snapshot.name} has no {name}")
    fields = ", ".join(f'"{f}"' for f in serving.list_fields(con, f"({items})"))
    count = con.execute(f"select count(*) from ({items})").fetchone()
    n = int(count[0]) if count else 0
    print(f"{name} of {snapshot.name}: {n:,} items")
    _timed(
        "DuckDB: the list's select (row_number)",
        n,
        lambda: _drain(con, f"select seq as v from ({items}) order by customer_id, seq"),
    )
    _timed(
        "DuckDB: + each item as JSON",
        n,
        lambda: _drain(con, f"select seq, json_array({fields}) as v from ({items})"),
    )
    chunks = (
        f"select customer_id, (seq - 1) // 50 as chunk, c360_doc_array(seq,"
        f" json_array({fields})::varchar) as v from ({items}) group by all"
    )
    _timed("DuckDB: + chunks aggregated", n, lambda: _drain(con, chunks))
    out = Path(tempfile.mkdtemp(prefix="lists-", dir=OUT))
    try:
        _timed("chunks: the whole copy into SQLite", n, lambda: _copy_chunks(con, table, items))
        arrow = out / f"{name}.arrow"
        _timed("arrow: typed rows + index", n, lambda: _write_arrow(con, items, arrow))
        print(f"sizes: arrow {arrow.stat().st_size / 2**20:,.0f} MiB")
        index = {
            str(r[0]): (int(r[1]), int(r[2])) for r in con.execute(_index_select(items)).fetchall()
        }
        ids = list(index)[:PAGES_READ]
        _read_pages(serving_path(snapshot), name, arrow, index, ids)
    finally:
        shutil.rmtree(out, ignore_errors=True)
        for leftover in OUT.glob("lists-*"):
            shutil.rmtree(leftover, ignore_errors=True)


if __name__ == "__main__":
    main()
