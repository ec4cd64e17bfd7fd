"""The exact keys a search looks up (SIREN, SIRET, VAT, customer code, e-mails, phones,
postcodes), read from their Arrow file.

The build writes every key of every customer, folded (warehouse/sql/serving/search_key.sql),
into one Arrow IPC file beside the serving file (kernel/serving_contract.keys_file), sorted
by key: a key's rows are one run, found by binary search over the memory-mapped file
(a few dozen values read), with no index to build. Before contract version 13 they were a
SQLite table keyed by them: 5.1M rows at 1M customers, whose inserts cost the build more
than twice the file's writing.
"""

from __future__ import annotations

import bisect
from pathlib import Path
from typing import NamedTuple

import pyarrow as pa


class KeyRow(NamedTuple):
    key: str
    kind: str
    customer_id: str
    shown: str


class SearchKeys:
    """One snapshot's key file, mapped once; any number of threads read it."""

    def __init__(self, path: Path) -> None:
        reader = pa.ipc.open_file(pa.memory_map(str(path)))
        self._batches = [
            b for b in (reader.get_batch(i) for i in range(reader.num_record_batches)) if b.num_rows
        ]
        # Each batch's first key: the batch a key's run starts in, by one bisection.
        self._firsts = [b.column(0)[0].as_py() for b in self._batches]

    def find(self, key: str) -> list[KeyRow]:
        """Every row of `key` (a run that may cross a batch's edge)."""
        found: list[KeyRow] = []
        # The run may start in the batch before the first one starting with the key.
        start = max(0, bisect.bisect_left(self._firsts, key) - 1)
        for batch in self._batches[start:]:
            keys = batch.column(0)
            lo = bisect.bisect_left(keys, key, key=_text)
            hi = bisect.bisect_right(keys, key, lo=lo, key=_text)
            if hi > lo:
                rows = batch.slice(lo, hi - lo)
                found += map(KeyRow._make, zip(*(c.to_pylist() for c in rows.columns), strict=True))
            if hi < batch.num_rows:
                break
        return found


def _text(value: pa.Scalar) -> str:
    return str(value.as_py())
