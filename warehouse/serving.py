"""The serving contract: everything the API answers, precomputed per snapshot and read by key.

At build time warehouse/sql/serving/*.sql turn the snapshot's marts and core tables into
serving tables (a JSON document per row, keyed the way the API looks it up), and those
tables are copied into an SQLite file written beside the DuckDB snapshot,
`<build_id>.duckdb.serving.sqlite`, published with it before CURRENT switches. The API reads only
this file: one primary-key or index-range lookup per request (docs/benchmarks.md has the
measurement that chose SQLite: 0.1 ms per keyed read against ~1 ms for a DuckDB ART index).

The SQLite file is immutable once published, so readers open it with `immutable=1` (no
locks, no journal) and any number of threads read it at once.
"""

from __future__ import annotations

import logging
import os
import re
import sqlite3
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

from warehouse.connection import connect, sql
from warehouse.killpoint import kill_point
from warehouse.sqlquote import quote_ident, quote_literal

logger = logging.getLogger(__name__)

SERVING_SUFFIX = ".serving.sqlite"
# Bumped when a table or document of the contract changes shape; the API refuses (and
# rebuilds for itself) a serving file of another version.
CONTRACT_VERSION = 3
_BATCH = 20_000
_NEEDS = re.compile(r"^--\s*needs:\s*(.+)$", re.MULTILINE)
_LIST = "customer_id text not null, seq integer not null, doc text not null, "
# Rowid tables for documents: SQLite advises against WITHOUT ROWID for rows this wide.
_LIST_KEY = "primary key (customer_id, seq))"


@dataclass(frozen=True)
class ServingTable:
    """One serving relation: its .sql file and its SQLite definition."""

    name: str
    ddl: str
    indexes: tuple[str, ...] = ()
    # A customer sub-list also gets an empty DuckDB stand-in when its tables are absent,
    # because serving/customer.sql folds the profile's lists into the document.
    is_list: bool = False
    # SQLite statements (warehouse/sql/serving/<after>.sql) run once the rows are copied.
    after: str | None = None


def _list(name: str) -> ServingTable:
    return ServingTable(name, f"({_LIST}{_LIST_KEY}", is_list=True)


# In build order: the profile document (customer) folds in the four lists before it.
TABLES: tuple[ServingTable, ...] = (
    _list("customer_alert"),
    _list("customer_source"),
    _list("customer_conflict"),
    _list("customer_provenance"),
    ServingTable("customer", "(customer_id text primary key, owner text, doc text not null)"),
    ServingTable(
        "customer_redirect",
        "(old_customer_id text primary key, customer_id text not null) without rowid",
    ),
    _list("customer_invoice"),
    _list("customer_order"),
    _list("customer_opportunity"),
    _list("customer_contact"),
    _list("customer_open_item"),
    _list("customer_balance_history"),
    _list("customer_timeline"),
    # The relationship side (docs/contracts.md): activities, tickets, quotes, payment
    # history, products bought.
    _list("customer_activity"),
    _list("customer_ticket"),
    _list("customer_quote"),
    _list("customer_payment"),
    _list("customer_product"),
    ServingTable(
        "customer_search",
        "(seq integer primary key, customer_id text not null, sort_name text, name text,"
        " siren text, city text, postcode text, segment text, owner text,"
        " customer_code text, outstanding_amount text, overdue_amount text,"
        " alert_count integer, source_count integer, has_overdue integer,"
        " folded_name text, folded_city text, folded_email text)",
        (
            "(customer_id)",
            "(folded_name, seq)",
            "(owner, seq)",
            "(segment, seq)",
            "(has_overdue, seq)",
        ),
        after="sqlite_search_text",
    ),
    ServingTable(
        "search_key",
        "(key text not null, kind text not null, customer_id text not null, shown text)",
        ("(key)",),
    ),
    ServingTable(
        "alert",
        "(seq integer primary key, owner text, alert_type text, doc text not null)",
        ("(owner, seq)", "(alert_type, seq)"),
    ),
    ServingTable(
        "receivable",
        "(top_seq integer, overdue_seq integer, owner text, segment text, doc text not null)",
        ("(top_seq)", "(overdue_seq)", "(owner, overdue_seq)", "(segment, overdue_seq)"),
    ),
    ServingTable("aging", "(doc text not null)"),
    ServingTable(
        "kpi_monthly",
        "(seq integer primary key, month text, segment text, doc text not null)",
        ("(month, seq)",),
    ),
    ServingTable(
        "quality_orphan",
        "(seq integer primary key, check_name text, source text, doc text not null)",
        ("(check_name, seq)", "(source, seq)"),
    ),
    ServingTable(
        "quality_reject",
        "(seq integer primary key, source text, doc text not null)",
        ("(source, seq)",),
    ),
    ServingTable("quality_review", "(seq integer primary key, doc text not null)"),
    ServingTable("quality_part", "(part text primary key, doc text not null) without rowid"),
    ServingTable("owner_email", "(email text primary key, name text not null) without rowid"),
)
# Extra files filling a table created by another (quality_part's one row per part).
_INSERTS = {
    "quality_part": (
        "quality_match_rates",
        "quality_conflicts",
        "quality_rejects",
        "quality_checks",
    ),
}


def serving_path(snapshot: Path) -> Path:
    """`<build_id>.duckdb.serving.sqlite` beside `<build_id>.duckdb` (or its temp file)."""
    return snapshot.with_name(snapshot.name + SERVING_SUFFIX)


def _present(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.execute(
        "select schema_name || '.' || table_name from duckdb_tables() "
        "where database_name = current_database() "
        "union all select schema_name || '.' || view_name from duckdb_views() "
        "where database_name = current_database() and not internal"
    ).fetchall()
    return {str(r[0]) for r in rows}


def _needs(text: str) -> list[str]:
    found = _NEEDS.search(text)
    return [t.strip() for t in found.group(1).split(",")] if found else []


# A snapshot without contacts still gets its search (company e-mails and phones only).
_NO_CONTACTS = (
    "(select null::varchar as customer_id, null::varchar as email, null::varchar as phone"
    " where false)"
)
# A snapshot built before the relationship side: its timeline has documents only.
_NO_RELATIONSHIP_EVENTS = (
    "(select null::varchar as customer_id, null::date as event_date, null::varchar as event_type,"
    " null::varchar as source, null::varchar as source_id, null::varchar as reference,"
    " null::varchar as status, null::decimal(18,2) as amount, null::varchar as currency,"
    " null::varchar as kind, null::varchar as subject where false)"
)


def _run(con: duckdb.DuckDBPyConnection, name: str, present: set[str]) -> bool:
    contacts = "core.contact" if "core.contact" in present else _NO_CONTACTS
    events = (
        "core.relationship_event"
        if "core.relationship_event" in present
        else _NO_RELATIONSHIP_EVENTS
    )
    text = (
        sql(f"serving/{name}")
        .replace("{contacts}", contacts)
        .replace("{relationship_events}", events)
    )
    missing = [t for t in _needs(text) if t not in present]
    if missing:
        logger.info("serving table %s left empty: snapshot lacks %s", name, ", ".join(missing))
        return False
    con.execute(text)
    return True


def build_serving_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Create schema `serving` in the current catalog; return the tables that exist in it."""
    present = _present(con)
    con.execute("create schema if not exists serving")
    con.execute(sql("serving/macros"))
    built: list[str] = []
    for table in TABLES:
        if _run(con, table.name, present):
            built.append(table.name)
            for extra in _INSERTS.get(table.name, ()):
                _run(con, extra, present)
        elif table.is_list:
            con.execute(
                f"create or replace table serving.{table.name} "
                "(customer_id varchar, seq bigint, doc varchar)"
            )
    return built


def _copy_select(con: duckdb.DuckDBPyConnection, table: str) -> tuple[list[str], str]:
    """Columns of serving.<table> and a select giving SQLite-storable values.

    Money and dates travel as text (SQLite has no decimal; text keeps every cent).
    """
    described = con.execute(f"describe serving.{table}").fetchall()
    columns = [str(r[0]) for r in described]
    exprs = []
    for column, kind in ((str(r[0]), str(r[1]).upper()) for r in described):
        quoted = quote_ident(column)
        keep = kind in ("BIGINT", "INTEGER", "BOOLEAN", "DOUBLE", "VARCHAR", "HUGEINT")
        exprs.append(quoted if keep else f"{quoted}::varchar as {quoted}")
    return columns, f"select {', '.join(exprs)} from serving.{table}"


def write_sqlite(con: duckdb.DuckDBPyConnection, built: list[str], target: Path) -> None:
    """Copy the serving tables into a new SQLite file at `target` (replaced if present)."""
    target.unlink(missing_ok=True)
    lite = sqlite3.connect(target)
    try:
        lite.execute("pragma journal_mode = off")
        lite.execute("pragma synchronous = off")
        lite.execute("pragma page_size = 8192")
        lite.execute("create table contract (version integer not null)")
        lite.execute("insert into contract values (?)", (CONTRACT_VERSION,))
        for table in TABLES:
            lite.execute(f"create table {table.name} {table.ddl}")
            if table.name not in built:
                continue
            started = time.perf_counter()
            columns, select = _copy_select(con, table.name)
            marks = ", ".join("?" * len(columns))
            names = ", ".join(f'"{c}"' for c in columns)
            insert = f"insert into {table.name} ({names}) values ({marks})"
            # Batches cross from DuckDB to SQLite; each batch is inserted by SQLite in C.
            result = con.execute(select)
            while batch := result.fetchmany(_BATCH):
                lite.executemany(insert, batch)
                kill_point("serving_write")
            for i, columns_sql in enumerate(table.indexes):
                lite.execute(f"create index {table.name}_{i} on {table.name} {columns_sql}")
            logger.info("serving %s copied in %.1fs", table.name, time.perf_counter() - started)
        for table in TABLES:
            if table.after is not None:
                lite.executescript(sql(f"serving/{table.after}"))
        lite.commit()
        # Statistics for the planner's choice among a table's indexes, from a sample of
        # each index: an exact `analyze` reads the whole file again.
        lite.execute("pragma analysis_limit = 1000")
        lite.execute("analyze")
    finally:
        lite.close()


def write_serving(con: duckdb.DuckDBPyConnection, target: Path) -> None:
    """Build the serving tables on the snapshot being built and copy them to `target`.

    They are built in a transaction that is rolled back once copied: the SQLite file is
    the one copy the API reads, and the DuckDB snapshot never writes them to its WAL.
    """
    started = time.perf_counter()
    con.execute("begin transaction")
    try:
        built = build_serving_tables(con)
        logger.info("serving tables built in %.1fs", time.perf_counter() - started)
        write_sqlite(con, built, target)
    finally:
        con.execute("rollback")
    fd = os.open(target, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def serving_for_snapshot(snapshot: Path, folder: Path | None = None) -> Path:
    """A serving file for a published snapshot that has none (one built before the
    contract, or written by hand in tests), made from the snapshot's own tables by the same
    SQL, in `folder` (a new temporary folder by default). The snapshot stays untouched."""
    out_dir = folder or Path(tempfile.mkdtemp(prefix="c360-serving-"))
    work = out_dir / "work.duckdb"
    target = out_dir / (snapshot.name + SERVING_SUFFIX)
    con = connect(work)
    try:
        con.execute(f"attach {quote_literal(snapshot)} as snap (read_only)")
        tables = con.execute(
            "select schema_name, table_name from duckdb_tables() where database_name = 'snap'"
        ).fetchall()
        for schema in sorted({str(s) for s, _ in tables}):
            con.execute(f'create schema if not exists "{schema}"')
        for schema, name in tables:
            con.execute(
                f'create view "{schema}"."{name}" as select * from snap."{schema}"."{name}"'
            )
        con.execute("begin transaction")
        write_sqlite(con, build_serving_tables(con), target)
        con.execute("rollback")
    finally:
        con.close()
        work.unlink(missing_ok=True)
        work.with_name(work.name + ".wal").unlink(missing_ok=True)
    return target
