"""Rows of an Arrow file sorted by their first columns, found by binary search.

The build writes some relations that are only ever looked up by an exact key as an Arrow
IPC file sorted by that key (the search's exact keys, the source records' customers):
a key's rows are one run, found by bisecting the memory-mapped file (a few dozen values
read per lookup), with no index to build. A SQLite table keyed the same way cost the build
several times the file's writing (docs/benchmarks.md).
"""

from __future__ import annotations

import bisect
import functools
from pathlib import Path
from typing import Any

import pyarrow as pa


class SortedRows:
    """One sorted file, mapped once; any number of threads read it. Its rows are sorted
    by their first `width` columns (text), as Python orders tuples of str (code points:
    DuckDB's order of UTF-8 text)."""

    def __init__(self, path: Path, width: int) -> None:
        reader = pa.ipc.open_file(pa.memory_map(str(path)))
        self._width = width
        self._batches = [
            b for b in (reader.get_batch(i) for i in range(reader.num_record_batches)) if b.num_rows
        ]
        # Each batch's first key: the batch a key's run starts in, by one bisection.
        self._firsts = [self._key(b, 0) for b in self._batches]

    def _key(self, batch: pa.RecordBatch, row: int) -> tuple[str, ...]:
        return tuple(str(batch.column(c)[row].as_py()) for c in range(self._width))

    def find(self, *key: str) -> list[tuple[Any, ...]]:
        """Every row whose first columns are `key` (a run that may cross a batch's edge)."""
        found: list[tuple[Any, ...]] = []
        # The run may start in the batch before the first one starting with the key.
        start = max(0, bisect.bisect_left(self._firsts, key) - 1)
        for batch in self._batches[start:]:
            rows = range(batch.num_rows)
            at = functools.partial(self._key, batch)
            lo = bisect.bisect_left(rows, key, key=at)
            hi = bisect.bisect_right(rows, key, lo=lo, key=at)
            if hi > lo:
                run = batch.slice(lo, hi - lo)
                found += zip(*(c.to_pylist() for c in run.columns), strict=True)
            if hi < batch.num_rows:
                break
        return found
