"""Time the serving contract alone, from a published snapshot:
`python -m bench.serving_contract [snapshots dir] [DuckDB memory limit]`.

Builds the snapshot's serving files with `warehouse.serving.serving_for_snapshot` (the same
SQL and writers as the build) into a temporary folder under bench/out, and prints the wall
time, the process CPU time (every thread), each file's size and, with INFO logging, each
table's DuckDB build and copy. Default: the serving bench's 1M build with a 10 GB budget
(`python -m bench --only serving` with BENCH_SIZE=1000000 makes it).
"""

from __future__ import annotations

import logging
import shutil
import sys
import tempfile
import time
from pathlib import Path

from bench.common import OUT
from kernel.settings import LimitsConfig
from warehouse.serving import serving_for_snapshot

DEFAULT = OUT / "scale" / "build_n1000000" / "data_serving" / "snapshots"


def main() -> None:
    logging.basicConfig(
        level=logging.INFO, format="%(relativeCreated)8.0f %(threadName)s %(message)s"
    )
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    limit = sys.argv[2] if len(sys.argv) > 2 else "10GB"
    snapshot = sorted(folder.glob("*.duckdb"))[-1]
    out = Path(tempfile.mkdtemp(prefix="serving-contract-", dir=OUT))
    try:
        started, cpu = time.perf_counter(), time.process_time()
        serving_for_snapshot(snapshot, out, LimitsConfig(duckdb_memory_limit=limit))
        wall, used = time.perf_counter() - started, time.process_time() - cpu
        for path in sorted(out.iterdir()):
            print(f"{path.name}: {path.stat().st_size / 2**20:,.0f} MiB")
        print(f"contract of {snapshot.name}: {wall:.1f} s, process CPU {used:.1f} s")
    finally:
        shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
