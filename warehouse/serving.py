"""The serving contract: everything the API answers, precomputed per snapshot and read by key.

At build time warehouse/sql/serving/*.sql turn the snapshot's marts and core tables into
serving tables (typed rows or JSON documents, keyed the way the API looks them up), and those
tables are copied into SQLite files written beside the DuckDB snapshot, published with it
before CURRENT switches: `<build_id>.duckdb.serving.sqlite` (the main file) and one file per
further part (kernel/serving_contract.py), each written by a writer thread of its own while
DuckDB builds the next tables, so the copies run side by side (DuckDB's Arrow stream
inserted by the ADBC SQLite driver, warehouse/sqlite_bulk.py). The customers' sub-lists
and the profile's parts are not SQLite tables: their items are rows of an Arrow file per
list, and where each customer's rows start and how many there are is an Arrow file beside
(warehouse/serving_lists.py: typed rows for the sub-lists, the response's JSON for the
profile), written by writers of Arrow files alone. The build starts the contract once its
core tables are committed and goes on beside it (ServingWrite). The API reads only these
files: one primary-key or index-range lookup per request, and for a sub-list's page a
binary search of its index and a range of rows of its memory-mapped Arrow file
(docs/benchmarks.md has the measurements that chose SQLite, 0.1 ms per keyed read against
~1 ms for a DuckDB ART index, and the Arrow lists, half the CPU of JSON chunks to write).

The files are immutable once published, so readers open the SQLite ones with `immutable=1`
(no locks, no journal) and map the Arrow ones; any number of threads read them at once.
"""

from __future__ import annotations

import logging
import queue
import re
import sqlite3
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import duckdb

from kernel.connection import connect
from kernel.killpoint import kill_point
from kernel.serving_contract import (
    CONTRACT_VERSION,
    DOC_FILES,
    PROFILE_LISTS,
    SERVED_LISTS,
    SERVING_PARTS,
    SERVING_SUFFIX,
    docs_file,
    keys_file,
    records_file,
    serving_part,
)
from kernel.settings import LimitsConfig
from kernel.snapshots import fsync
from kernel.sqlquote import quote_ident, quote_literal
from warehouse.serving_lists import (
    arrow_rows,
    copy_file,
    copy_list,
    ingest_with_docs,
    stored_column,
)
from warehouse.sqlfiles import sql
from warehouse.sqlite_bulk import PRAGMAS, BulkWriter

logger = logging.getLogger(__name__)

_NEEDS = re.compile(r"^--\s*needs:\s*(.+)$", re.MULTILINE)


@dataclass(frozen=True)
class ServingTable:
    """One serving relation: its .sql file and its SQLite definition."""

    name: str
    ddl: str
    indexes: tuple[str, ...] = ()
    # A customer list: its items and its index in Arrow files (`ddl` unused).
    is_list: bool = False
    # SQLite statements (warehouse/sql/serving/<after>.sql) run once the rows are copied.
    after: str | None = None
    # The copy's order: the SQLite key's, so its B-tree fills by appending (random-order
    # inserts into a key index cost several times more once it outgrows the page cache).
    order: str | None = None
    # Its writer: "main" or one of SERVING_PARTS (the SQLite file of that name), or one of
    # _FILE_WRITERS (Arrow files alone).
    part: str = "main"
    # Rows in an Arrow file of their own (in `order`), by the writer of `part`, instead of
    # a SQLite table: `ddl` unused.
    file: Callable[[Path], Path] | None = None
    # The column of documents kept out of the SQLite table, in an Arrow file of its own
    # (kernel/serving_contract.DOC_FILES): row k is the document of the row of rowid k + 1.
    docs: str | None = None


# The writers of Arrow files alone (the sub-lists' items and index, the search's keys),
# side by side: the profile's row by one (the contract's longest copy), the others by the
# other, so that neither ends long after the rest (at 1M customers the profile's writer
# with the profile's alerts too was the contract's last to end, 7 s after the others).
_LISTS_PART = "lists"
_PROFILE_PART = "profile"
_FILE_WRITERS = (_LISTS_PART, _PROFILE_PART)
# The search's SQLite tables and the indexes SQLite builds over them (its trigram indexes
# take the longest single statement of the contract): a writer of their own, from the
# start, its closing statements run as soon as customer_search is in.
_SEARCH_PART = "search"


def _list(name: str, part: str = _LISTS_PART) -> ServingTable:
    return ServingTable(name, "", is_list=True, part=part)


_PROFILE = (
    # The profile (GET /customers/{id}): one row per customer (its JSON but the lists) and
    # the documents of the lists it shows whole, spliced per request (api/profile.py).
    # (Every customer route's access check reads a customer's owner from customer_search's
    # (customer_id, owner) index: a table of its own cost the build 1 CPU-s at 1M.)
    _list("customer_profile", _PROFILE_PART),
    *(_list(name) for name in PROFILE_LISTS if name != "customer_profile"),
    # Each source's system and role: the profile's provenance (api/profile.py).
    ServingTable(
        "provenance_source",
        "(source text primary key, system text, role text) without rowid",
        order="source",
    ),
    ServingTable(
        "customer_redirect",
        "(old_customer_id text primary key, customer_id text not null) without rowid",
        order="old_customer_id",
    ),
)
_SUB_LISTS = tuple(_list(name) for name in SERVED_LISTS if name not in PROFILE_LISTS)
_SEARCH = (
    ServingTable(
        "customer_search",
        "(seq integer primary key, customer_id text not null, segment text, owner text,"
        " has_overdue integer, folded_name text, folded_city text, folded_email text)",
        (
            # The exact keys' customers, and every customer route's access check (covering).
            "(customer_id, owner)",
            "(folded_name, seq)",
            "(owner, seq)",
            "(segment, seq)",
            "(has_overdue, seq)",
            # A salesperson's name-prefix search: one range of their names.
            "(owner, folded_name, seq)",
        ),
        after="sqlite_search_text",
        order="seq",
        part=_SEARCH_PART,
        # Each hit's JSON (`hit`), read by seq for a page of hits (api/search.py).
        docs="hit",
    ),
    ServingTable(
        "search_key",
        # An Arrow file sorted by key, read by binary search (api/search_keys.py): writing
        # it costs a fraction of a SQLite table's inserts (5.1M keys at 1M customers).
        "",
        order="key, kind, customer_id, shown",
        part=_LISTS_PART,
        file=keys_file,
    ),
)
_PAGES = (
    # A customer's alert: its document in the customer_alert list, at `place`.
    ServingTable(
        "alert",
        "(seq integer primary key, owner text, alert_type text, place integer, doc text)",
        ("(owner, seq)", "(alert_type, seq)"),
        order="seq",
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
        order="seq",
    ),
    ServingTable(
        "kpi_summary_month",
        "(scope text not null, month text not null, doc text not null,"
        " primary key (scope, month)) without rowid",
        order="scope, month",
    ),
    ServingTable(
        "kpi_summary_total",
        "(kind text not null, scope text not null, month text not null, doc text not null)",
        ("(kind, scope, month)",),
        order="kind, scope, month",
    ),
    ServingTable(
        "kpi_summary_funnel",
        "(scope text not null, seq integer not null, doc text not null,"
        " primary key (scope, seq)) without rowid",
        order="scope, seq",
    ),
    ServingTable("kpi_summary_as_of", "(as_of text)"),
    # Top customers per offered period, relationship KPIs (docs/api.md): no aggregation
    # at request time.
    ServingTable(
        "kpi_top_customer",
        "(kind text not null, scope text not null, month text not null, doc text not null,"
        " primary key (kind, scope, month)) without rowid",
        order="kind, scope, month",
    ),
    ServingTable(
        "kpi_relationship_month",
        "(scope text not null, month text not null, doc text not null,"
        " primary key (scope, month)) without rowid",
        order="scope, month",
    ),
    ServingTable(
        "kpi_relationship_total", "(month text not null, doc text not null)", ("(month)",)
    ),
    ServingTable("kpi_quote_ageing", "(scope text primary key, doc text not null) without rowid"),
    ServingTable("health_source", "(source text primary key, doc text not null) without rowid"),
    ServingTable(
        "run_ingest",
        "(seq integer primary key, source text, doc text not null)",
        ("(source, seq)",),
        order="seq",
    ),
    ServingTable(
        "quality_orphan",
        "(seq integer primary key, check_name text, source text, doc text not null)",
        ("(check_name, seq)", "(source, seq)"),
        order="seq",
    ),
    ServingTable(
        "quality_reject",
        "(seq integer primary key, source text, doc text not null)",
        ("(source, seq)",),
        order="seq",
    ),
    ServingTable("quality_review", "(seq integer primary key, doc text not null)", order="seq"),
    ServingTable(
        "quality_finding",
        "(seq integer primary key, check_name text, source text, doc text not null)",
        ("(check_name, seq)", "(source, seq)"),
        order="seq",
    ),
    ServingTable("quality_part", "(part text primary key, doc text not null) without rowid"),
    ServingTable("owner_email", "(email text primary key, name text not null) without rowid"),
    ServingTable(
        "source_record",
        # An Arrow file sorted by (source, source_id), read by binary search
        # (api/sorted_rows.py); a customer's records are read from its `customer_source`
        # list (api/decisions.py).
        "",
        order="source, source_id",
        file=records_file,
    ),
    # Last: it reads the build log (meta.build), which the build writes while the contract
    # is being written (_LATE).
    ServingTable("run_build", "(seq integer primary key, doc text not null)", order="seq"),
)
# In build order (DuckDB builds one table at a time), chosen so that every writer starts
# early and stays busy: the first table of the search and of the lists, then the profile
# documents (the main file's largest copy), then the other lists (the largest part), the
# page-level tables last.
TABLES: tuple[ServingTable, ...] = (
    _SEARCH[0],
    _SUB_LISTS[0],
    *_SEARCH[1:],
    *_PROFILE,
    *_SUB_LISTS[1:],
    *_PAGES,
)
assert {t.part for t in TABLES if t.is_list} == {_LISTS_PART, _PROFILE_PART}
assert {t.name for t in TABLES if t.is_list} == set(SERVED_LISTS)
assert {t.part for t in TABLES} <= {"main", *SERVING_PARTS, *_FILE_WRITERS}
assert all(t.is_list or t.file is not None for t in TABLES if t.part in _FILE_WRITERS)
assert {t.name for t in TABLES if t.docs is not None} == set(DOC_FILES)
# Extra files filling a table created by another (quality_part's one row per part).
_INSERTS = {
    "quality_part": (
        "quality_match_rates",
        "quality_conflicts",
        "quality_rejects",
        "quality_checks",
    ),
}


# When a serving table can be built while the build goes on (ServingWrite): EARLY at once
# (it reads only what the build had committed when the contract started: the golden
# records, source records, conflicts and the review queue), FACTS once the core tables are
# final (the sub-lists read them), MARTS once the marts are committed (while the build's
# checks run), LOGGED once the build log is in the snapshot (meta.build, written last).
EARLY, FACTS, MARTS, LOGGED = 0, 1, 2, 3
_LATE = "meta.build"
_READS = re.compile(r"\b((?:core|meta|mart)\.\w+)")


# The plan (stages, order) depends only on TABLES, the SQL files and what is committed
# when the contract starts: made once per such set.
@cache
def _stages(early: frozenset[str] = frozenset()) -> dict[str, int]:
    """Each table's stage, from what its SQL (and that of its _INSERTS) reads; `early`:
    the relations final when the contract starts."""
    stages: dict[str, int] = {}
    for table in TABLES:
        # Every relation named (a comment's too: a later stage is only slower), the
        # optional ones by the table they stand for when the snapshot has it.
        texts = [_filled(n, None) for n in (table.name, *_INSERTS.get(table.name, ()))]
        reads = {name for text in texts for name in _READS.findall(text)}
        if _LATE in reads:
            stages[table.name] = LOGGED
        elif any(name.startswith("mart.") for name in reads):
            stages[table.name] = MARTS
        elif early and reads <= early:
            stages[table.name] = EARLY
        else:
            stages[table.name] = FACTS
    return stages


@cache
def build_order(early: frozenset[str] = frozenset()) -> tuple[ServingTable, ...]:
    """The tables in the order they are built: by stage (_stages), in TABLES order within
    one."""
    stages = _stages(early)
    return tuple(sorted(TABLES, key=lambda t: stages[t.name]))


def _last_of_part(early: frozenset[str]) -> dict[str, str]:
    """Each serving file's last table in build order: once it is handed over, that file's
    writer may end (indexes, statistics, fsync) while the others still copy."""
    return {t.part: t.name for t in build_order(early)}


class ContractAborted(Exception):
    """The build stopped (a failure of its own) while its contract was being written."""


class _Gate:
    """The build's progress as the contract's builder waits for it (or for an abort)."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._reached = EARLY
        self._aborted = False

    def reach(self, stage: int) -> None:
        with self._changed:
            self._reached = max(self._reached, stage)
            self._changed.notify_all()

    def abort(self) -> None:
        with self._changed:
            self._aborted = True
            self._changed.notify_all()

    def check(self) -> None:
        if self._aborted:
            raise ContractAborted("the build stopped")

    def wait(self, stage: int) -> None:
        with self._changed:
            self._changed.wait_for(lambda: self._aborted or self._reached >= stage)
        self.check()


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


# A snapshot of marts alone: its profiles name no field's source (an empty provenance).
_NO_GOLDEN = (
    "(select null::varchar as customer_id, null::varchar as address_source,"
    " null::varchar as email_source, null::varchar as name_source,"
    " null::varchar as phone_source, null::varchar as siret_source where false)"
)


# A serving file's optional relations: {placeholder} → the table it stands for, and the
# empty stand-in used when the snapshot lacks it.
_OPTIONAL = {
    "{contacts}": ("core.contact", _NO_CONTACTS),
    "{relationship_events}": ("core.relationship_event", _NO_RELATIONSHIP_EVENTS),
    "{golden}": ("core.customer", _NO_GOLDEN),
}


def _filled(name: str, present: set[str] | None) -> str:
    """serving/<name>.sql with each optional relation filled in: the table when `present`
    holds it (or is None: every table), else its empty stand-in."""
    text = sql(f"serving/{name}")
    for placeholder, (table, empty) in _OPTIONAL.items():
        text = text.replace(placeholder, table if present is None or table in present else empty)
    return text


def _relation(name: str, present: set[str]) -> str | None:
    """The SQL of serving/<name>.sql for this snapshot, or None when it lacks a table the
    file needs (the serving table is then left empty)."""
    text = _filled(name, present)
    missing = [t for t in _needs(text) if t not in present]
    if missing:
        logger.info("serving table %s left empty: snapshot lacks %s", name, ", ".join(missing))
        return None
    return text


def _run(con: duckdb.DuckDBPyConnection, name: str, present: set[str]) -> bool:
    text = _relation(name, present)
    if text is not None:
        con.execute(text)
    return text is not None


def load_macros(con: duckdb.DuckDBPyConnection) -> None:
    """The serving SQL's macros, on `con` (temp macros: each connection, a writer's cursor
    too, needs its own). The marts' macros too (c360_share): a serving file may be rebuilt
    from a published snapshot on a connection that never ran the marts."""
    con.execute(sql("marts/macros"))
    con.execute(sql("serving/macros"))


def build_serving_tables(
    con: duckdb.DuckDBPyConnection,
    done: Callable[[ServingTable, bool, str | None], None] | None = None,
    gate: _Gate | None = None,
    early: frozenset[str] = frozenset(),
) -> list[str]:
    """Create the serving tables in catalog `serving` (attached by the caller); return the
    tables made. `done(table, made, items)` is called as each is complete, in order;
    `items` is a sub-list's select (serving/<list>.sql, which the copy evaluates as it
    writes the items: never stored whole in DuckDB), else None. With a `gate`, a table
    reading what the build has not finished yet waits for it: the tables are built in the
    order of their stage (_stages, `early` the relations final from the start), in TABLES
    order within one."""
    stages = _stages(early)
    present = _present(con)
    load_macros(con)
    built: list[str] = []
    stage = EARLY
    for table in build_order(early):
        if gate is not None:
            gate.check()
            if stages[table.name] > stage:
                stage = stages[table.name]
                gate.wait(stage)
                present = _present(con)
        started = time.perf_counter()
        items: str | None = None
        if not table.is_list:
            made = _run(con, table.name, present)
        else:
            items = _relation(table.name, present)
            made = items is not None
        logger.info("serving %s built in %.1fs", table.name, time.perf_counter() - started)
        if made:
            built.append(table.name)
            for extra in _INSERTS.get(table.name, ()):
                _run(con, extra, present)
        if done is not None:
            done(table, made, items)
    return built


def _drop(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """Drop serving.<name> once copied (a sub-list never has one: the copy evaluates its
    select)."""
    con.execute(f"drop table if exists serving.{quote_ident(name)}")


def _copy_select(con: duckdb.DuckDBPyConnection, table: ServingTable) -> str:
    """A select of serving.<table> giving SQLite-storable values (stored_column), in the
    order of the SQLite table's key."""
    described = con.execute(f"describe serving.{table.name}").fetchall()
    exprs = [stored_column(str(r[0]), str(r[1])) for r in described]
    order = f" order by {table.order}" if table.order else ""
    return f"select {', '.join(exprs)} from serving.{table.name}{order}"


def _cursor(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """A connection to `con`'s database instance, for another thread, in the catalog `con`
    uses (a sub-list's select names the snapshot's tables without it)."""
    row = con.execute("select current_database()").fetchone()
    assert row is not None
    cursor = con.cursor()
    cursor.execute(f"use {quote_ident(str(row[0]))}")
    return cursor


class _Writer(threading.Thread):
    """Copies each serving table of its part into that part's SQLite file (or, a writer of
    _FILE_WRITERS, into its Arrow files) as soon as DuckDB has built it, while DuckDB
    builds the next ones: the copy (Python, Arrow and SQLite, one core) overlaps the build
    of the tables (DuckDB, its own threads, the GIL released) and the other writers'
    copies (SQLite and Arrow release the GIL while they write)."""

    def __init__(self, cursor: duckdb.DuckDBPyConnection, main: Path, part: str) -> None:
        super().__init__(name=f"serving-writer-{part}", daemon=True)
        self.cursor = cursor
        self.main = main
        # Its SQLite file, None for a writer of Arrow files alone.
        self.target: Path | None = None
        if part not in _FILE_WRITERS:
            self.target = main if part == "main" else serving_part(main, part)
        self.part = part
        self.tables: queue.Queue[tuple[ServingTable, bool, str | None] | None] = queue.Queue()
        self.error: BaseException | None = None
        self.ended = False
        self._closed = False

    def run(self) -> None:
        try:
            self._write()
        except BaseException as exc:  # handed to the building thread by finish()
            self.error = exc
            while not self.ended:  # drain what the builder still puts
                self.ended = self.tables.get() is None

    def close(self) -> None:
        """No more tables: the writer ends its file once it has copied those it has."""
        if not self._closed:
            self._closed = True
            self.tables.put(None)

    def finish(self) -> BaseException | None:
        """Wait for the copy to end; its error, if any."""
        self.close()
        self.join()
        return self.error

    def _write(self) -> None:
        bulk: BulkWriter | None = None
        if self.target is not None:
            self.target.unlink(missing_ok=True)
            bulk = BulkWriter(self.target)
        try:
            if bulk is not None and self.part == "main":
                bulk.execute("create table contract (version integer not null)")
                bulk.execute("insert into contract values (?)", (CONTRACT_VERSION,))
            load_macros(self.cursor)
            while (item := self.tables.get()) is not None:
                _copy(self.cursor, bulk, *item, main=self.main)
            self.ended = True
        finally:
            if bulk is not None:
                bulk.close()
            self.cursor.close()
        if self.target is not None:
            _finish(self.target, self.part)
            # On disk before the publish renames it; flushed here, while the other writers
            # may still be copying, rather than all at the end.
            fsync(self.target)


def _finish(target: Path, part: str) -> None:
    """Once its tables are filled: the SQLite statements of the part (its search index)
    and the planner's statistics, by Python's `sqlite3` (the bulk writer is closed)."""
    lite = sqlite3.connect(target)
    try:
        for pragma in PRAGMAS:
            lite.execute(f"pragma {pragma}")
        for table in TABLES:
            if table.after is not None and table.part == part:
                lite.executescript(sql(f"serving/{table.after}"))
        lite.commit()
        # Statistics for the planner's choice among a table's indexes, from a sample of
        # each index: an exact `analyze` reads the whole file again.
        lite.execute("pragma analysis_limit = 1000")
        lite.execute("analyze")
        lite.commit()
    finally:
        lite.close()


def _copy(
    cursor: duckdb.DuckDBPyConnection,
    bulk: BulkWriter | None,
    table: ServingTable,
    built: bool,
    items: str | None = None,
    main: Path | None = None,
) -> None:
    """Copy serving table `table` into `bulk`'s file (None: a writer of Arrow files alone);
    a sub-list's items and index, or a table of its own file, into Arrow files beside
    `main` (the main serving file)."""
    started, cpu = time.perf_counter(), time.thread_time()
    if table.file is not None:
        assert main is not None, "a table's own file is written beside its main serving file"
        copy_file(cursor, _copy_select(cursor, table) if built else None, table.file(main))
    elif table.is_list:
        assert main is not None, "a sub-list is written beside its main serving file"
        copy_list(cursor, table.name, items if built else None, main)
    else:
        assert bulk is not None, f"serving table {table.name} needs a SQLite file"
        bulk.execute(f"create table {table.name} {table.ddl}")
        if table.docs is not None:
            assert main is not None, "a table's documents are written beside its main file"
            rows = arrow_rows(cursor, _copy_select(cursor, table)) if built else None
            path = docs_file(main, table.name)
            _check_rowids(
                bulk, table.name, ingest_with_docs(bulk, table.name, rows, table.docs, path)
            )
        elif built:
            bulk.ingest(table.name, arrow_rows(cursor, _copy_select(cursor, table)))
        kill_point("serving_write")
        # Secondary indexes once the rows are in: one sort each instead of an insert per row.
        for i, columns_sql in enumerate(table.indexes):
            bulk.execute(f"create index {table.name}_{i} on {table.name} {columns_sql}")
    # Copied: its DuckDB rows only take memory now (no serving table reads another one).
    _drop(cursor, table.name)
    logger.info(
        "serving %s copied in %.1fs (this thread's CPU %.1fs)",
        table.name,
        time.perf_counter() - started,
        time.thread_time() - cpu,
    )


def _check_rowids(bulk: BulkWriter, name: str, written: int) -> None:
    """A table's rowids are 1 .. its rows, in the order its documents were written."""
    if int(bulk.scalar(f"select coalesce(max(rowid), 0) from {name}") or 0) != written:
        raise RuntimeError(
            f"serving table {name}: its rowids do not number its {written} documents;"
            " the build is not published"
        )


def _write_contract(
    con: duckdb.DuckDBPyConnection,
    target: Path,
    gate: _Gate | None = None,
    early: frozenset[str] = frozenset(),
) -> None:
    """Build the serving tables in an in-memory database attached as catalog `serving`
    (the snapshot never stores them; a file there costs a WAL sync per table) and copy
    them into the SQLite files of `target` (the main file) and its parts."""
    con.execute("attach ':memory:' as serving")
    try:
        # Each writer reads the finished tables through its own connection to the same
        # database instance (a cursor), in its own thread.
        writers = {
            part: _Writer(_cursor(con), target, part)
            for part in ("main", *SERVING_PARTS, *_FILE_WRITERS)
        }
        for writer in writers.values():
            writer.start()

        last = _last_of_part(early)

        def hand_over(table: ServingTable, built: bool, items: str | None) -> None:
            writers[table.part].tables.put((table, built, items))
            if last[table.part] == table.name:
                writers[table.part].close()

        try:
            build_serving_tables(con, hand_over, gate, early)
        finally:
            # Every writer told first, then waited for: their ends run side by side.
            for writer in writers.values():
                writer.close()
            errors = [e for w in writers.values() if (e := w.finish()) is not None]
        if errors:
            raise errors[0]
    finally:
        con.execute("detach serving")


class ServingWrite:
    """The serving contract of the snapshot being built, written by a thread of its own
    (its own DuckDB cursor and its writers: one per SQLite file, two of Arrow files alone)
    while the build goes on.

    It starts as soon as the golden records are committed, with the tables that read only
    what is committed then (nothing committed before it starts changes afterwards), and
    runs beside the build's facts, marts, checks, history and build log instead of after
    them. The build says when its core tables are committed (`facts_ready()`), its marts
    (`marts_ready()`) and when its log is in the snapshot (`finish()`, which waits for the
    contract), or `abort()` when it fails meanwhile (a failed check too)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, target: Path) -> None:
        self.target = target
        self._gate = _Gate()
        self._cursor = _cursor(con)
        self._early = frozenset(_present(self._cursor))
        self._error: BaseException | None = None
        self._started, self._cpu = time.perf_counter(), time.process_time()
        self._thread = threading.Thread(target=self._run, name="serving-builder", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            _write_contract(self._cursor, self.target, self._gate, self._early)
        except BaseException as exc:  # handed to the build's thread by finish()
            self._error = exc
        finally:
            self._cursor.close()

    def facts_ready(self) -> None:
        """The core tables are final and committed (the build makes its marts)."""
        self._gate.reach(FACTS)

    def marts_ready(self) -> None:
        """The marts are built and committed (the checks run beside the contract)."""
        self._gate.reach(MARTS)

    def finish(self) -> None:
        """The build log is in the snapshot: let the contract end, wait for it, and raise
        its error if it failed."""
        self._gate.reach(LOGGED)
        self._thread.join()
        if self._error is not None:
            raise self._error
        logger.info(
            "serving contract written in %.1fs (process CPU %.1fs, the build's too)",
            time.perf_counter() - self._started,
            time.process_time() - self._cpu,
        )

    def abort(self) -> None:
        """The build failed: stop after the table in hand and wait for the writers (the
        caller then discards the files)."""
        self._gate.abort()
        self._thread.join()


def view_snapshot(con: duckdb.DuckDBPyConnection, snapshot: Path) -> None:
    """The published `snapshot`'s tables, read-only, as views of the same names in `con`'s
    database: the serving SQL runs on them as on the snapshot being built."""
    con.execute(f"attach {quote_literal(snapshot)} as snap (read_only)")
    tables = con.execute(
        "select schema_name, table_name from duckdb_tables() where database_name = 'snap'"
    ).fetchall()
    for schema in sorted({str(s) for s, _ in tables}):
        con.execute(f'create schema if not exists "{schema}"')
    for schema, name in tables:
        con.execute(f'create view "{schema}"."{name}" as select * from snap."{schema}"."{name}"')


def serving_for_snapshot(
    snapshot: Path, folder: Path | None = None, budget: LimitsConfig | None = None
) -> Path:
    """A serving file for a published snapshot that has none (one built before the
    contract, or written by hand in tests), made from the snapshot's own tables by the same
    SQL, in `folder` (a new temporary folder by default), within DuckDB's `budget` (memory
    and spill) when one is given. The snapshot stays untouched."""
    out_dir = folder or Path(tempfile.mkdtemp(prefix="c360-serving-"))
    work = out_dir / "work.duckdb"
    target = out_dir / (snapshot.name + SERVING_SUFFIX)
    con = connect(work, budget=budget)
    try:
        view_snapshot(con, snapshot)
        _write_contract(con, target)
    finally:
        con.close()
        work.unlink(missing_ok=True)
        work.with_name(work.name + ".wal").unlink(missing_ok=True)
    return target
