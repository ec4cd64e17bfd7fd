"""Data checks run before a snapshot is published; the test suite runs the same ones.

Each file in warehouse/sql/checks/ returns the rows that violate it. A check whose
file starts with `-- requires: stg` needs the staging database attached as `stg` and is
skipped on a published snapshot.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

import duckdb

from kernel.settings import FecConfig
from kernel.sqlfiles import execute
from warehouse.sqlfiles import SQL_DIR, sql

logger = logging.getLogger(__name__)

SAMPLE_ROWS = 5


@dataclass(frozen=True)
class CheckFailure:
    name: str
    description: str
    row_count: int
    sample: list[tuple[Any, ...]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "description": self.description,
            "row_count": self.row_count,
            "sample": [[str(v) for v in row] for row in self.sample],
        }


def check_names() -> list[str]:
    return sorted(p.stem for p in (SQL_DIR / "checks").glob("*.sql"))


def _description(text: str) -> str:
    lines = [ln[2:].strip() for ln in text.splitlines() if ln.startswith("--")]
    return " ".join(ln for ln in lines if not ln.startswith("requires:"))


def _attached(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {
        row[0] for row in con.execute("select database_name from duckdb_databases()").fetchall()
    }


def run_checks(
    con: duckdb.DuckDBPyConnection, receivable_prefixes: list[str] | None = None
) -> list[CheckFailure]:
    """Run every check against the snapshot open on `con`; return the failing ones."""
    params = {"receivable_prefixes": receivable_prefixes or FecConfig().receivable_prefixes}
    has_staging = "stg" in _attached(con)
    failures: list[CheckFailure] = []
    for name in check_names():
        text = sql(f"checks/{name}")
        if text.startswith("-- requires: stg") and not has_staging:
            logger.debug("check %s skipped: staging not attached", name)
            continue
        rows = execute(con, f"select * from ({text}) limit 1000000", params).fetchall()
        if rows:
            failures.append(CheckFailure(name, _description(text), len(rows), rows[:SAMPLE_ROWS]))
            logger.warning("check %s failed: %d offending row(s)", name, len(rows))
    return failures
