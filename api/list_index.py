"""A customer list's index: where a customer's rows start in the list's file, and how many.

The build writes each list's index as an Arrow file of one record batch (kernel/
serving_contract.index_file): (customer_id, first, total), sorted by the ids' bytes
(warehouse/serving_lists.py checks the order). A lookup bisects it in place: a sample of
every STEP-th id, held as Python bytes, narrows it to STEP rows in one C bisection, then a
few ids are read straight from the memory-mapped buffers (no Arrow scalar per probe: one
costs a microsecond, as much as the whole lookup otherwise).
"""

from __future__ import annotations

import bisect
from pathlib import Path

import pyarrow as pa

# Ids per sample entry: 128 keeps a 1M-customer list's sample near 9,000 entries (a few
# milliseconds to make when the file is first opened) and a lookup to 7 probes past it.
STEP = 128


class ListIndex:
    """One list's index file, mapped once; any number of threads read it."""

    def __init__(self, path: Path) -> None:
        reader = pa.ipc.open_file(pa.memory_map(str(path)))
        if reader.num_record_batches > 1:
            raise ValueError(f"{path.name}: an index is one record batch")
        batch = reader.get_batch(0) if reader.num_record_batches else None
        self._rows = batch.num_rows if batch is not None else 0
        if batch is None or self._rows == 0:
            self._sample: list[bytes] = []
            return
        ids, first, total = batch.column(0), batch.column(1), batch.column(2)
        if ids.null_count or first.null_count or total.null_count:
            raise ValueError(f"{path.name}: an index has no empty cell")
        # Each column's values from its buffers, from the array's own offset (int64 all:
        # large_string offsets, first and total).
        self._offsets = memoryview(ids.buffers()[1]).cast("q")[ids.offset :]
        data = ids.buffers()[2]
        self._data = memoryview(data) if data is not None else memoryview(b"")
        self._first = memoryview(first.buffers()[1]).cast("q")[first.offset :]
        self._total = memoryview(total.buffers()[1]).cast("q")[total.offset :]
        self._sample = [self._id(row) for row in range(0, self._rows, STEP)]

    def _id(self, row: int) -> bytes:
        return bytes(self._data[self._offsets[row] : self._offsets[row + 1]])

    def find(self, customer_id: str) -> tuple[int, int] | None:
        """(first row, item count) of the customer's items, None when it has none."""
        key = customer_id.encode()
        block = bisect.bisect_right(self._sample, key) - 1
        if block < 0:
            return None
        low = block * STEP
        high = min(low + STEP, self._rows)
        row = low + bisect.bisect_left(range(low, high), key, key=self._id)
        if row < high and self._id(row) == key:
            return self._first[row], self._total[row]
        return None
