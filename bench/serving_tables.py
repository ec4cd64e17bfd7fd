"""The serving contract's CPU table by table, from a published snapshot:
`python -m bench.serving_tables [snapshots dir] [DuckDB memory limit]`.

Runs the build's own SQL and copies (warehouse.serving) one table at a time in this one
thread, no writer beside it, so the process CPU of each step is that step's alone: DuckDB
building a table (`build`), its copy into its SQLite part or a list's Arrow file (`copy`),
each part's closing statements (`close`: the search part's trigram indexes). The contract
as the build writes it (threads side by side) is `python -m bench.serving_contract`.
Default: the serving bench's 100k build (`BENCH_SIZE=100000 python -m bench --only
serving` makes it).
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from bench.common import OUT
from kernel.connection import connect
from kernel.serving_contract import SERVING_SUFFIX, serving_part
from kernel.settings import LimitsConfig
from warehouse import serving
from warehouse.sqlite_bulk import BulkWriter

DEFAULT = OUT / "scale" / "build_n100000" / "data_serving" / "snapshots"


def main() -> None:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    limit = sys.argv[2] if len(sys.argv) > 2 else "4GB"
    snapshot = sorted(folder.glob("*.duckdb"))[-1]
    out = Path(tempfile.mkdtemp(prefix="serving-tables-", dir=OUT))
    con = connect(out / "work.duckdb", budget=LimitsConfig(duckdb_memory_limit=limit))
    try:
        serving.view_snapshot(con, snapshot)
        con.execute("attach ':memory:' as serving")
        costs = _measure(con, out / (snapshot.name + SERVING_SUFFIX))
    finally:
        con.close()
        shutil.rmtree(out, ignore_errors=True)
    total = sum(costs.values())
    print(f"contract of {snapshot.name}, one table at a time: process CPU {total:.1f} s")
    for step, used in sorted(costs.items(), key=lambda kv: -kv[1]):
        if used >= 0.05:
            print(f"{used:7.2f} s  {step}")


def _measure(con: duckdb.DuckDBPyConnection, main: Path) -> dict[str, float]:
    """CPU seconds of each table's build and copy, and of each part's close."""
    costs: dict[str, float] = {}
    writers: dict[str, BulkWriter] = {}
    mark = [time.process_time()]

    def done(table: serving.ServingTable, made: bool, items: str | None) -> None:
        costs[f"{table.name}: build"] = time.process_time() - mark[0]
        part = table.part
        if part not in writers and part not in serving._FILE_WRITERS:
            writers[part] = BulkWriter(main if part == "main" else serving_part(main, part))
        started = time.process_time()
        serving._copy(con, writers.get(part), table, made, items, main=main)
        costs[f"{table.name}: copy"] = time.process_time() - started
        mark[0] = time.process_time()

    serving.build_serving_tables(con, done)
    for part, writer in writers.items():
        started = time.process_time()
        writer.close()
        serving._finish(main if part == "main" else serving_part(main, part), part)
        costs[f"{part} part: close"] = time.process_time() - started
    return costs


if __name__ == "__main__":
    main()
