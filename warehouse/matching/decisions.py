"""Steward decisions (match / no_match two records), re-applied at every build.

They live in the app store (SQLite `app.db`, table `match_decision`: left_source,
left_source_id, right_source, right_source_id, decision = 'match' | 'no_match', and when
present kind and decided_at). The table is optional: without it the build runs on the
automatic passes alone.

Decisions apply after the automatic passes, on their clusters: a no_match pair cuts the
automatic links between the two records, then match pairs (always match, merge) join what
they name. The automatic clusters are kept first as the receivable groups
(core/receivable_group), so a decision moves receivables between customers but never
changes which are counted.
"""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

import duckdb

from warehouse.matching.components import propagate
from warehouse.sqlfiles import run_file

logger = logging.getLogger(__name__)

TABLE = "match_decision"
COLUMNS = (
    "left_source",
    "left_source_id",
    "right_source",
    "right_source_id",
    "decision",
    "kind",
    "decided_at",
)
# Older stores (and hand-made ones) may lack these; they then read as null.
OPTIONAL = {"kind", "decided_at"}

DecisionRow = tuple[str, str, str, str, str, str | None, str | None]


def read_decisions(app_db: Path) -> list[DecisionRow]:
    if not app_db.exists():
        return []
    con = sqlite3.connect(f"file:{app_db}?mode=ro", uri=True)
    try:
        present = {row[1] for row in con.execute(f"pragma table_info({TABLE})")}
        if not present:
            return []
        picked = ", ".join(
            c if c in present or c not in OPTIONAL else f"null as {c}" for c in COLUMNS
        )
        return con.execute(f"select {picked} from {TABLE}").fetchall()
    finally:
        con.close()


def load_decisions(con: duckdb.DuckDBPyConnection, app_db: Path | None) -> int:
    """Fill work.decision (record pairs, latest word per pair); return how many apply."""
    rows = read_decisions(app_db) if app_db is not None else []
    run_file(con, "core/decision_rows")
    if rows:
        con.executemany("insert into decision_rows values (?, ?, ?, ?, ?, ?, ?)", rows)
    run_file(con, "core/decision")
    row = con.execute("select count(*) from work.decision").fetchone()
    count = int(row[0]) if row else 0
    if count:
        logger.info("%d steward decision(s) applied", count)
    return count


def apply_decisions(con: duckdb.DuckDBPyConnection) -> int:
    """Cut the no_match pairs out of work.cluster, then join the match pairs.

    Rewrites work.cluster and work.link; returns the number of steward links.
    """
    run_file(con, "core/decision_cut_cluster")
    run_file(con, "core/decision_kept_link")
    run_file(con, "core/decision_cut_edge")
    propagate(con)
    run_file(con, "core/decision_piece")
    run_file(con, "core/decision_join_edge")
    propagate(con)
    run_file(con, "core/decision_cluster")
    run_file(con, "core/decision_link")
    row = con.execute("select count(*) from work.link where rule = 'steward'").fetchone()
    return int(row[0]) if row else 0
