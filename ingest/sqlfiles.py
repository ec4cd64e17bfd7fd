"""Ingest's own SQL files under ingest/sql/ (subfolders; the top-level files are macros)."""

from __future__ import annotations

from pathlib import Path

from kernel.sqlfiles import SqlFolder

INGEST_SQL = SqlFolder(Path(__file__).parent / "sql")
sql = INGEST_SQL.text
run_file = INGEST_SQL.run_file
