"""What one served sub-list costs to write and to read, as the contract stores it and as
contract version 9 did: `python -m bench.serving_lists [snapshots dir] [list name]`.

- arrow (the contract's): the items as typed rows in customer order in an Arrow IPC file,
  each customer's first row and count in an Arrow index file beside (warehouse/serving.
  _copy, the build's own code);
- chunks (version 9): each customer's items as JSON arrays of 50 copied into SQLite
  (bench/sql/list_chunks_v9.sql, the SQL the build ran then), its DuckDB part also alone.

Then one page of each of PAGES_READ customers' lists from both, as the API reads it
(api/serving.customer_page; for chunks, the chunk range parsed as version 9 did). Prints
CPU seconds per million items and microseconds per page. Default: the serving bench's
100k build (`BENCH_SIZE=100000 python -m bench --only serving` makes it).
"""

from __future__ import annotations

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
from api.list_rows import ListFiles
from bench.common import OUT
from kernel.serving_contract import index_file
from warehouse import serving as writing
from warehouse import serving_lists
from warehouse.sqlite_bulk import PRAGMAS

DEFAULT = OUT / "scale" / "build_n100000" / "data_serving" / "snapshots"
SQL = Path(__file__).resolve().parent / "sql"
CHUNK = 50
PAGE = 50
PAGES_READ = 5000
_CHUNK_DDL = (
    "(customer_id text not null, chunk integer not null, total integer not null,"
    " doc text not null, primary key (customer_id, chunk))"
)


def _timed(label: str, items: int, fn: Callable[[], Any]) -> None:
    started, cpu = time.perf_counter(), time.process_time()
    fn()
    wall, used = time.perf_counter() - started, time.process_time() - cpu
    per = used / items * 1e6
    print(f"{label:44s} wall {wall:6.2f} s  CPU {used:6.2f} s  ({per:.2f} CPU-s per 1M items)")


def _fields(con: duckdb.DuckDBPyConnection, items: str) -> list[str]:
    described = con.execute(f"describe select * from ({items})").fetchall()
    return [str(r[0]) for r in described if r[0] not in ("customer_id", "seq")]


def _chunks_select(con: duckdb.DuckDBPyConnection, name: str, items: str) -> str:
    fields = ", ".join(f'"{f}"' for f in _fields(con, items))
    return (
        (SQL / "list_chunks_v9.sql")
        .read_text(encoding="utf-8")
        .replace("{table}", name)
        .replace("{items}", f"({items}) as item")
        .replace("{chunk_size}", str(CHUNK))
        .replace("{fields}", fields)
    )


def _write_chunks(con: duckdb.DuckDBPyConnection, name: str, select: str, target: Path) -> None:
    lite = sqlite3.connect(target)
    for pragma in PRAGMAS:
        lite.execute(f"pragma {pragma}")
    lite.execute(f"create table {name} {_CHUNK_DDL}")
    result = con.execute(select)
    while batch := result.fetchmany(20_000):
        lite.executemany(f"insert into {name} values (?, ?, ?, ?)", batch)
    lite.commit()
    lite.close()


def _write_arrow(
    con: duckdb.DuckDBPyConnection, table: writing.ServingTable, items: str, main: Path
) -> None:
    writing._copy(con, None, table, True, items, main=main)


def _chunk_page(
    lite: sqlite3.Connection, name: str, fields: list[str], customer_id: str
) -> list[dict[str, Any]]:
    """The first page as version 9 read it: the chunk range, parsed, zipped with the
    list's field names."""
    rows = lite.execute(
        f"select chunk, total, doc from {name} where customer_id = ? and chunk between 0 and 0",
        (customer_id,),
    ).fetchall()
    values: list[list[Any]] = []
    for row in rows:
        values.extend(reading.loads(row[2]))
    return [dict(zip(fields, item, strict=True)) for item in values[:PAGE]]


def main() -> None:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    name = sys.argv[2] if len(sys.argv) > 2 else "customer_invoice"
    snapshot = sorted(folder.glob("*.duckdb"))[-1]
    table = next(t for t in writing.TABLES if t.name == name and t.is_list)
    con = duckdb.connect()
    con.execute(f"attach '{snapshot}' as snap (read_only)")
    con.execute("use snap")
    con.execute("attach ':memory:' as serving")
    writing.load_macros(con)
    items = writing._relation(name, writing._present(con))
    if items is None:
        raise SystemExit(f"{snapshot.name} has no {name}")
    counted = con.execute(f"select count(*) from ({items})").fetchone()
    n = int(counted[0]) if counted else 0
    print(f"{name} of {snapshot.name}: {n:,} items")
    out = Path(tempfile.mkdtemp(prefix="lists-", dir=OUT))
    try:
        main_file = out / "x.duckdb.serving.sqlite"
        _timed(
            "arrow: items and index (the contract's)",
            n,
            lambda: _write_arrow(con, table, items, main_file),
        )
        # Version 9's lists carried each item's rank among the customer's (seq).
        ranked = (
            f"select row_number() over (partition by item.customer_id"
            f" order by {serving_lists.list_order(name)}) as seq, item.* from ({items}) as item"
        )
        chunks = _chunks_select(con, name, ranked)
        _timed(
            "chunks v9: DuckDB's part alone",
            n,
            lambda: con.execute(f"select count(*), sum(length(doc)) from ({chunks})").fetchall(),
        )
        chunk_file = out / "chunks.sqlite"
        _timed(
            "chunks v9: the whole copy into SQLite",
            n,
            lambda: _write_chunks(con, name, chunks, chunk_file),
        )
        sizes = {
            "arrow": sum(p.stat().st_size for p in out.glob("x.duckdb.serving.*")),
            "chunks": chunk_file.stat().st_size,
        }
        print("sizes: " + ", ".join(f"{k} {v / 2**20:,.0f} MiB" for k, v in sizes.items()))
        index = pa.ipc.open_file(pa.memory_map(str(index_file(main_file, name)))).read_all()
        ids = [str(c) for c in index["customer_id"].to_pylist()[:PAGES_READ]]
        lists = ListFiles(main_file)
        chunk_lite = sqlite3.connect(chunk_file)
        fields = _fields(con, items)
        for label, read in (
            ("arrow", lambda c: reading.customer_page(lists, name, c, PAGE, None)),
            ("chunks v9", lambda c: _chunk_page(chunk_lite, name, fields, c)),
        ):
            for customer_id in ids:  # warm: the files' pages in memory, as a serving API's
                read(customer_id)
            started = time.perf_counter()
            for customer_id in ids:
                read(customer_id)
            per = (time.perf_counter() - started) / len(ids) * 1e6
            print(f"page of {PAGE} (or fewer), {label}: {per:.0f} us")
        lists.close()
    finally:
        shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
