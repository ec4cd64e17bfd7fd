"""Writing a serving SQLite file in bulk: Arrow record batches straight into its tables.

The serving tables reach SQLite as DuckDB's Arrow stream, inserted by the ADBC SQLite
driver in C (`adbc_ingest`): no Python object per value on the way. Through Python's
`sqlite3` (fetchmany, then executemany) every value became a Python object and was bound
one by one: the search tables took two to three times the CPU (docs/benchmarks.md).

The file is written by this one connection, then closed before anything else opens it
(Python's `sqlite3`, for the statements run once the tables are filled).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import adbc_driver_sqlite.dbapi as adbc
import pyarrow as pa

# Each page cache holds the index being filled (the default 2 MiB makes every insert into
# a key index a read once it outgrows it).
CACHE_KIB = 256 * 1024
# Written once, by one connection, never read before it is published: no journal, no
# sync per transaction (the file is fsynced once complete), no locking.
PRAGMAS = (
    "journal_mode = off",
    "synchronous = off",
    "page_size = 8192",
    "locking_mode = exclusive",
    f"cache_size = -{CACHE_KIB}",
    "temp_store = memory",
)


class BulkWriter:
    """One SQLite file being written: statements, and tables filled from Arrow streams."""

    def __init__(self, path: Path) -> None:
        # Autocommit: each statement is its own transaction, and so is each ingest (the
        # driver inserts a whole stream in one).
        self._con = adbc.connect(str(path), autocommit=True)
        self._cursor = self._con.cursor()
        for pragma in PRAGMAS:
            self.execute(f"pragma {pragma}")

    def execute(self, statement: str, params: tuple[Any, ...] = ()) -> None:
        self._cursor.execute(statement, params or None)

    def scalar(self, statement: str) -> Any:
        self._cursor.execute(statement)
        row = self._cursor.fetchone()
        return row[0] if row else None

    def ingest(self, table: str, rows: pa.RecordBatchReader) -> None:
        """Append every row of `rows` to `table` (made beforehand, columns by name)."""
        self._cursor.adbc_ingest(table, rows, mode="append")

    def close(self) -> None:
        try:
            self._cursor.close()
        finally:
            self._con.close()
