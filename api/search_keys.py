"""The exact keys a search looks up (SIREN, SIRET, VAT, customer code, e-mails, phones,
postcodes), read from their Arrow file.

The build writes every key of every customer, folded (warehouse/sql/serving/search_key.sql),
into one Arrow IPC file beside the serving file (kernel/serving_contract.keys_file), sorted
by key (api/sorted_rows.py). Before contract version 13 they were a SQLite table keyed by
them: 5.1M rows at 1M customers, whose inserts cost the build more than twice the file's
writing.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from api.sorted_rows import SortedRows


class KeyRow(NamedTuple):
    key: str
    kind: str
    customer_id: str
    shown: str


class SearchKeys:
    """One snapshot's key file, mapped once; any number of threads read it."""

    def __init__(self, path: Path) -> None:
        self._rows = SortedRows(path, 1)

    def find(self, key: str) -> list[KeyRow]:
        """Every row of `key`."""
        return [KeyRow._make(r) for r in self._rows.find(key)]
