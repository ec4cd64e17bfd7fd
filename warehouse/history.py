"""Facts kept across builds in history.duckdb: id registry, redirects, balances, order
statuses seen, build log.

Only the build writes it. It is attached to the snapshot being built as `hist`; the id
registry and balances are updated only once the snapshot passed its checks, so a failed
build changes nothing but the build log.
"""

from __future__ import annotations

import json
import logging
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb

from warehouse.connection import connect
from warehouse.sqlfiles import execute

logger = logging.getLogger(__name__)

ALIAS = "hist"

SCHEMA_SQL = """
create table if not exists hist.id_registry (
    source       varchar not null,
    source_id    varchar not null,
    customer_id  varchar not null,
    first_build  varchar not null,
    primary key (source, source_id)
);
-- Ids a record carried before its current one (written when it changes), so that a split
-- can give a part back the id it had before a merge.
create table if not exists hist.id_history (
    source       varchar not null,
    source_id    varchar not null,
    customer_id  varchar not null,
    until_build  varchar not null,
    primary key (source, source_id, customer_id)
);
create table if not exists hist.id_redirect (
    old_customer_id  varchar primary key,
    customer_id      varchar not null,
    build_id         varchar not null
);
create table if not exists hist.balance_history (
    build_date          date not null,
    customer_id         varchar not null,
    outstanding_amount  decimal(18,2),
    overdue_amount      decimal(18,2),
    build_id            varchar not null,
    primary key (build_date, customer_id)
);
create table if not exists hist.order_status (
    source            varchar not null,
    source_id         varchar not null,
    status            varchar not null,
    first_seen_build  varchar not null,
    primary key (source, source_id, status)
);
create table if not exists hist.build_log (
    build_id     varchar primary key,
    started_at   timestamp not null,
    finished_at  timestamp,
    status       varchar not null,
    message      varchar,
    checks       varchar,
    counts       varchar
);
"""

COMMIT_SQL = """
insert into hist.id_history
select id_registry.source, id_registry.source_id, id_registry.customer_id, $build_id
from hist.id_registry as id_registry
inner join core.customer_xref as customer_xref
    on customer_xref.source = id_registry.source
    and customer_xref.source_id = id_registry.source_id
where customer_xref.customer_id <> id_registry.customer_id
on conflict (source, source_id, customer_id) do nothing;
insert into hist.id_registry
select
    customer_xref.source,
    customer_xref.source_id,
    customer_xref.customer_id,
    $build_id
from core.customer_xref as customer_xref
on conflict (source, source_id) do update set customer_id = excluded.customer_id;
delete from hist.id_redirect;
insert into hist.id_redirect
select old_customer_id, customer_id, build_id from core.customer_redirect;
insert into hist.order_status
select source, source_id, status, $build_id
from core.sales_order
where status is not null
on conflict (source, source_id, status) do nothing;
delete from hist.balance_history where build_date = $as_of;
insert into hist.balance_history
select build_date, customer_id, outstanding_amount, overdue_amount, build_id
from mart.balance_history
where build_date = $as_of;
"""


def attach(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Attach history.duckdb read-write as `hist`, creating its tables when new."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # ATTACH takes no bound parameters; the path comes from Settings, quotes escaped.
    quoted = str(path).replace("'", "''")
    con.execute(f"attach '{quoted}' as {ALIAS}")
    con.execute(SCHEMA_SQL)


def commit(con: duckdb.DuckDBPyConnection, build_id: str, as_of: date) -> None:
    """Record this build's ids, redirects and balances (after its checks passed)."""
    con.execute("begin transaction")
    try:
        execute(con, COMMIT_SQL, {"build_id": build_id, "as_of": as_of})
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise


def log_build(
    con: duckdb.DuckDBPyConnection,
    *,
    build_id: str,
    started_at: datetime,
    status: str,
    message: str,
    checks: list[dict[str, Any]],
    counts: dict[str, int],
    finished_at: datetime | None = None,
) -> None:
    con.execute(
        """
        insert or replace into hist.build_log
        values ($build_id, $started_at, $finished_at, $status, $message, $checks, $counts)
        """,
        {
            "build_id": build_id,
            "started_at": started_at,
            "finished_at": finished_at,
            "status": status,
            "message": message,
            "checks": json.dumps(checks),
            "counts": json.dumps(counts),
        },
    )


def log_failure(
    history_db: Path,
    *,
    build_id: str,
    started_at: datetime,
    message: str,
    finished_at: datetime | None,
) -> None:
    """Record a build that failed, on a connection of its own (the build's may be broken)."""
    con = duckdb.connect()
    try:
        attach(con, history_db)
        log_build(
            con,
            build_id=build_id,
            started_at=started_at,
            status="failed",
            message=message,
            checks=[],
            counts={},
            finished_at=finished_at,
        )
    finally:
        con.close()


def build_log(history_db: Path) -> list[dict[str, Any]]:
    """Every build recorded in history.duckdb, newest first (for the CLI and tests)."""
    if not history_db.exists():
        return []
    con = connect(history_db, read_only=True)
    try:
        cur = con.execute("select * from build_log order by build_id desc")
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
    finally:
        con.close()
