"""The warehouse's own SQL files (warehouse/sql/**), run through the kernel's runner."""

from __future__ import annotations

from pathlib import Path

from kernel.sqlfiles import SqlFolder

SQL_DIR = Path(__file__).parent / "sql"
WAREHOUSE_SQL = SqlFolder(SQL_DIR)
sql = WAREHOUSE_SQL.text
run_file = WAREHOUSE_SQL.run_file
