"""The items of the customers' sub-lists, read from their Arrow files.

Each served sub-list's items are the rows of an Arrow IPC file beside the snapshot's main
serving file (kernel/serving_contract.list_file), every customer's items together, in the
list's order; the list's index file says where a customer's rows start and how many
there are (api/list_index.py). A page is a slice of those rows: the file is memory-mapped
once per snapshot and list (the operating system shares its pages between the workers),
and a slice copies nothing until its rows are turned into Python values.
"""

from __future__ import annotations

import bisect
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import pyarrow as pa

from api.list_index import ListIndex
from api.search_keys import SearchKeys
from kernel.serving_contract import SERVED_LISTS, docs_file, index_file, keys_file, list_file

# Customer sub-lists: their items in an Arrow file each, in the order the API pages them,
# and where each customer's start in an index file each.
LISTS = frozenset(SERVED_LISTS)
T = TypeVar("T")


class _ListFile:
    """One list's record batches and the row each starts at."""

    def __init__(self, path: Path) -> None:
        reader = pa.ipc.open_file(pa.memory_map(str(path)))
        self.batches = [reader.get_batch(i) for i in range(reader.num_record_batches)]
        self.starts: list[int] = []
        rows = 0
        for batch in self.batches:
            self.starts.append(rows)
            rows += batch.num_rows
        self.rows = rows
        self.schema = reader.schema

    def read(self, first: int, count: int) -> list[dict[str, Any]]:
        """Rows first .. first + count - 1 as dicts (count cut at the file's end)."""
        rows = self._slice(first, count)
        return rows.to_pylist() if rows is not None else []

    def column(self, name: str, first: int, count: int) -> list[Any]:
        """Column `name` of rows first .. first + count - 1: one column converted, not
        every field of every row (a profile's documents)."""
        rows = self._slice(first, count)
        return rows.column(name).to_pylist() if rows is not None else []

    def cells(self, rows: list[int]) -> list[Any]:
        """The first column's value in each of these rows, in their order: each read where
        it is (a `take` over the batches as one column would copy them all first)."""
        found = []
        for row in rows:
            at = bisect.bisect_right(self.starts, row) - 1
            found.append(self.batches[at].column(0)[row - self.starts[at]].as_py())
        return found

    def _slice(self, first: int, count: int) -> pa.RecordBatch | pa.Table | None:
        """Rows first .. first + count - 1 (count cut at the file's end), None if none."""
        count = max(0, min(count, self.rows - first))
        if count == 0:
            return None
        at = bisect.bisect_right(self.starts, first) - 1
        offset = first - self.starts[at]
        batch = self.batches[at]
        if offset + count <= batch.num_rows:
            return batch.slice(offset, count)
        # A customer's rows across a batch's edge: the batches they span, as one table.
        last = bisect.bisect_right(self.starts, first + count - 1)
        return pa.Table.from_batches(self.batches[at:last], self.schema).slice(offset, count)


class ListFiles:
    """The Arrow files of one serving file set: the sub-lists', the documents' (DOC_FILES)
    and the search's keys, each opened on first use."""

    def __init__(self, main: Path) -> None:
        self.main = main
        self._lock = threading.Lock()
        self._files: dict[str, _ListFile] = {}
        self._indexes: dict[str, ListIndex] = {}
        self._keys: SearchKeys | None = None

    @property
    def keys(self) -> SearchKeys:
        """The search's exact keys (api/search_keys.py)."""
        if self._keys is None:
            with self._lock:
                if self._keys is None:
                    self._keys = SearchKeys(keys_file(self.main))
        return self._keys

    def place(self, name: str, customer_id: str) -> tuple[int, int] | None:
        """(first row, item count) of the customer's items in list `name` (a constant of
        api/), None when it has none: a binary search of the list's index file."""
        if name not in LISTS:
            raise ValueError(name)
        index = _opened(
            self._lock, self._indexes, name, lambda: ListIndex(index_file(self.main, name))
        )
        return index.find(customer_id)

    def places(self, names: tuple[str, ...], customer_id: str) -> dict[str, tuple[int, int]]:
        """List → (first row, item count) of the customer's items, for the lists among
        `names` that have some."""
        found = {name: self.place(name, customer_id) for name in names}
        return {name: place for name, place in found.items() if place is not None}

    def read(self, name: str, first: int, count: int) -> list[dict[str, Any]]:
        """Rows first .. first + count - 1 of list `name` (a constant of api/serving.py)."""
        return self._file(name, lambda: list_file(self.main, name)).read(first, count)

    def column(self, name: str, column: str, first: int, count: int) -> list[Any]:
        """Column `column` of rows first .. first + count - 1 of list `name`."""
        return self._file(name, lambda: list_file(self.main, name)).column(column, first, count)

    def docs(self, table: str, rowids: list[int]) -> list[str]:
        """The documents of these rowids of page-level table `table` (one of DOC_FILES: its
        file's row k is the document of rowid k + 1)."""
        found = self._file(f"docs.{table}", lambda: docs_file(self.main, table))
        return found.cells([r - 1 for r in rowids])

    def _file(self, key: str, path: Callable[[], Path]) -> _ListFile:
        """The file of `key` (a list's name, or `docs.<table>`), opened from `path()` on
        first use (the key, not the path, is looked up on every read)."""
        return _opened(self._lock, self._files, key, lambda: _ListFile(path()))

    def close(self) -> None:
        """Forget the mapped files (their pages are unmapped once no slice holds them)."""
        with self._lock:
            self._files.clear()
            self._indexes.clear()
            self._keys = None


def _opened(lock: threading.Lock, opened: dict[str, T], key: str, open_: Callable[[], T]) -> T:
    """`opened[key]`, made by `open_()` the first time (once, whichever thread asks first)."""
    found = opened.get(key)
    if found is None:
        with lock:
            found = opened.get(key)
            if found is None:
                found = opened[key] = open_()
    return found
