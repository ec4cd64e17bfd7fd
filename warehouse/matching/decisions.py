"""Steward decisions (always match / never match two records), re-applied at every build.

They live in the app store (SQLite `app.db`, table `match_decision`: left_source,
left_source_id, right_source, right_source_id, decision = 'match' | 'no_match'). The
table is optional: without it the build runs on the automatic passes alone.
"""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

import duckdb

logger = logging.getLogger(__name__)

TABLE = "match_decision"

DECISION_SQL = """
create or replace table work.decision as
select
    left_record.rid as rid_a,
    right_record.rid as rid_b,
    decision.decision
from decision_rows as decision
inner join work.customer_record as left_record
    on left_record.source = decision.left_source
    and left_record.source_id = decision.left_source_id
inner join work.customer_record as right_record
    on right_record.source = decision.right_source
    and right_record.source_id = decision.right_source_id
where decision.decision in ('match', 'no_match')
"""

STEWARD_LINK_SQL = """
create or replace table work.pass_link as
select
    decision.rid_a,
    decision.rid_b,
    'steward' as rule,
    1.0::double as score,
    json_object('rule', 'steward', 'decision', 'match')::varchar as evidence
from work.decision as decision
where decision.decision = 'match'
"""


def read_decisions(app_db: Path) -> list[tuple[str, str, str, str, str]]:
    if not app_db.exists():
        return []
    con = sqlite3.connect(f"file:{app_db}?mode=ro", uri=True)
    try:
        found = con.execute(
            "select 1 from sqlite_master where type = 'table' and name = ?", (TABLE,)
        ).fetchone()
        if not found:
            return []
        return con.execute(
            "select left_source, left_source_id, right_source, right_source_id, decision "
            f"from {TABLE}"
        ).fetchall()
    finally:
        con.close()


def load_decisions(con: duckdb.DuckDBPyConnection, app_db: Path | None) -> int:
    """Fill work.decision (record pairs); return how many decisions apply."""
    rows = read_decisions(app_db) if app_db is not None else []
    con.execute(
        "create or replace temp table decision_rows (left_source varchar, "
        "left_source_id varchar, right_source varchar, right_source_id varchar, "
        "decision varchar)"
    )
    if rows:
        con.executemany("insert into decision_rows values (?, ?, ?, ?, ?)", rows)
    con.execute(DECISION_SQL)
    row = con.execute("select count(*) from work.decision").fetchone()
    count = int(row[0]) if row else 0
    if count:
        logger.info("%d steward decision(s) applied", count)
    return count


def steward_links(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(STEWARD_LINK_SQL)
