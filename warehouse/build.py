"""`c360 build`: resolve identities, build golden records and marts, check, publish.

The build reads staging.duckdb read-only (attached as `stg`), writes a new hidden
snapshot file, runs the checks in warehouse/sql/checks and publishes the snapshot only
when they all pass. history.duckdb (attached as `hist`) keeps stable ids, balances and
the build log across builds.
"""

from __future__ import annotations

import contextlib
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
from filelock import FileLock, Timeout

from kernel.connection import connect
from kernel.errors import C360Error
from kernel.errors import describe as _first_line
from kernel.killpoint import kill_point
from kernel.serving_contract import serving_files, serving_path
from kernel.settings import Settings
from kernel.sqlquote import quote_literal
from warehouse import history
from warehouse.checks import CheckFailure, run_checks
from warehouse.ledger_check import fec_balance_failures
from warehouse.matching import resolve
from warehouse.publish import TMP_SUFFIX, clean_temporary, publish, temp_path
from warehouse.serving import ServingWrite
from warehouse.sqlfiles import run_file

logger = logging.getLogger(__name__)

META_TABLES = ("ingest_run", "reject", "landed_file")
CHILD_TABLES = (
    "invoice",
    "sales_order",
    "opportunity",
    "contact",
    "quote",
    "payment",
    "receivable_item",
)
# Children that may name a contact instead of a customer (linked through its company).
CONTACT_CHILD_TABLES = ("activity", "ticket")
# Relations whose `owner` holds a CRM owner's id, shown as the person's name (core/owner_name).
OWNER_RELATIONS = (
    "core.contact",
    "core.opportunity",
    "core.quote",
    "core.sales_order",
    "core.activity",
    "core.ticket",
)
GOLDEN_STEPS = (
    "core/cluster_member",
    "core/component_id",
    "core/customer_redirect",
    "core/golden_record",
    "core/customer_xref",
    "core/customer",
    "core/customer_conflict",
    "core/match_candidate",
)
FACT_STEPS = (
    "core/order_line",
    "core/ledger_invoice",  # books invoices join core.invoice before anything reads it
    "core/ledger_payment",  # books receipts and the invoices they settle, likewise
    "core/revenue_line",
    "core/open_item",
    "core/customer_balance",
    "core/order_cancelled_after_sync",
    "core/orphan",
    "core/open_ticket",
    "core/quote_outcome",
    "core/open_quote",
    "core/invoice_payment",
    "core/purchase_line",
    "core/customer_product",
    "core/customer_relationship",
    "core/relationship_event",
)
MART_STEPS = (
    "marts/macros",  # temp macros the marts call
    "marts/alert",
    "marts/customer_360",
    "marts/ar_aging",
    "marts/ar_aging_total",
    "marts/kpi_monthly",
    "marts/data_quality",
    "marts/balance_history",
)
COUNTED = {
    "customers": "core.customer",
    "source_records": "core.customer_xref",
    "redirects": "core.customer_redirect",
    "conflicts": "core.customer_conflict",
    "review_pending": "core.match_candidate",
    "open_items": "core.open_item",
    "orphans": "core.orphan",
    "alerts": "mart.alert",
    "data_quality_rows": "mart.data_quality",
}


class BuildError(C360Error, RuntimeError):
    """The build could not run (missing staging, another build running, SQL error)."""


@dataclass
class BuildResult:
    build_id: str
    snapshot: Path | None
    published: bool
    counts: dict[str, int] = field(default_factory=dict)
    failed_checks: list[CheckFailure] = field(default_factory=list)
    message: str = ""


def new_build_id(now: datetime | None = None) -> str:
    return (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%S%fZ")


def build_params(settings: Settings, build_id: str, started_at: datetime) -> dict[str, Any]:
    """Every value the SQL files bind, in one place."""
    return {
        "as_of": settings.effective_as_of(),
        "build_id": build_id,
        "built_at": started_at.replace(tzinfo=None),
        "currency": settings.currency,
        "free_mail_domains": [d.lower() for d in settings.matching.free_mail_domains],
        "auto_merge_threshold": settings.matching.auto_merge_threshold,
        "review_threshold": settings.matching.review_threshold,
        "default_terms_days": settings.receivables.default_terms_days,
        "receivable_prefixes": list(settings.fec.receivable_prefixes),
        "revenue_prefixes": list(settings.fec.revenue_prefixes),
        # Not bound: the matcher runs core/account_code.sql once per source with its own.
        "account_codes": {s.name: s.account_code for s in settings.sources if s.account_code},
        "include_pipeline": settings.kpi.exposure_includes_pipeline,
        "quote_unanswered_days": settings.alerts.quote_unanswered_days,
        "match_level": settings.matching.level,
        "blocking": list(settings.matching.blocking),
        "rank_relationship": list(settings.survivorship.relationship),
        "rank_money": list(settings.survivorship.money),
        "rank_legal": list(settings.survivorship.legal_ids),
        "rank_coordinates": list(settings.survivorship.coordinates),
        "rank_name": list(settings.survivorship.name),
    }


def _prepare(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    """Attach staging read-only, create schemas, copy meta.* and the source config."""
    con.execute(f"attach {quote_literal(settings.staging_db)} as stg (read_only)")
    for schema in ("meta", "core", "mart", "work"):
        con.execute(f"create schema if not exists {schema}")
    present = {
        row[0]
        for row in con.execute(
            "select table_name from duckdb_tables() "
            "where database_name = 'stg' and schema_name = 'meta'"
        ).fetchall()
    }
    for table in META_TABLES:
        if table in present:
            con.execute(f"create table meta.{table} as select * from stg.meta.{table}")
    con.execute(
        "create table core.source (name varchar primary key, system varchar, role varchar, "
        "extract varchar, expected_frequency_hours integer)"
    )
    if settings.sources:
        con.executemany(
            "insert into core.source values (?, ?, ?, ?, ?)",
            [
                [s.name, s.system, s.role, s.extract, s.expected_frequency_hours]
                for s in settings.sources
            ],
        )


def _golden(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    params: dict[str, Any],
    say: Callable[[str], None],
) -> dict[str, int]:
    """Matching and golden records: the customers, their source records, conflicts and
    review queue, final once this returns (the facts' steps make tables of their own). The
    links accepted per rule."""
    say("matching customer records")
    links = resolve(con, settings.matching.passes, params, settings.app_db)
    kill_point("build_matching")
    # Owner ids become names before survivorship picks the customer's owner among records.
    run_file(con, "core/owner", params)
    run_file(con, "core/owner_name", params, identifiers={"relation": "work.customer_record"})
    say("building golden records")
    for step in GOLDEN_STEPS:
        run_file(con, step, params)
    return links


def _facts(
    con: duckdb.DuckDBPyConnection, params: dict[str, Any], say: Callable[[str], None]
) -> None:
    """The facts linked to the golden records: the rest of the core tables, final once
    this returns."""
    say("linking orders, invoices, opportunities and receivables")
    for table in CHILD_TABLES:
        run_file(con, "core/source_child", params, identifiers={"table": table})
    for table in CONTACT_CHILD_TABLES:
        run_file(con, "core/contact_child", params, identifiers={"table": table})
    for relation in OWNER_RELATIONS:
        run_file(con, "core/owner_name", params, identifiers={"relation": relation})
    for step in FACT_STEPS:
        run_file(con, step, params)


def _marts(
    con: duckdb.DuckDBPyConnection,
    params: dict[str, Any],
    say: Callable[[str], None],
    links: dict[str, int],
) -> dict[str, int]:
    say("building marts")
    for step in MART_STEPS:
        run_file(con, step, params)
    counts = {f"links_{rule}": n for rule, n in links.items()}
    for name, table in COUNTED.items():
        row = con.execute(f"select count(*) from {table}").fetchone()
        counts[name] = int(row[0]) if row else 0
    return counts


def _finish_snapshot(con: duckdb.DuckDBPyConnection) -> None:
    """Copy the build log in, drop work tables and detach staging and history."""
    con.execute("create or replace table meta.build as select * from hist.build_log")
    con.execute("drop schema work cascade")
    con.execute("detach stg")
    con.execute(f"detach {history.ALIAS}")


def _discard(con: duckdb.DuckDBPyConnection, tmp: Path) -> None:
    try:
        con.close()
    finally:
        for path in (tmp, tmp.with_name(tmp.name + ".wal"), *serving_files(tmp)):
            path.unlink(missing_ok=True)


def build(
    settings: Settings, *, progress: Callable[[str], None] | None = None, serving: bool = True
) -> BuildResult:
    """Build a snapshot from staging and publish it when every check passes.

    `serving=False` publishes it without its serving contract (the API makes one from the
    snapshot when it opens it): benchmarks build both ways to measure what the contract
    adds to the build."""

    def say(message: str) -> None:
        logger.info(message)
        if progress is not None:
            progress(message)

    if not settings.staging_db.exists():
        raise BuildError(f"{settings.staging_db} does not exist; run `c360 ingest` first")
    folder = settings.snapshots_dir
    folder.mkdir(parents=True, exist_ok=True)
    try:
        with FileLock(str(settings.build_lock_file), timeout=5):
            return _locked_build(settings, say, serving)
    except Timeout as exc:
        raise BuildError("another build is running on this data folder") from exc


def _locked_build(settings: Settings, say: Callable[[str], None], serving: bool) -> BuildResult:
    started = datetime.now(UTC)
    clock = time.perf_counter()
    build_id = new_build_id(started)
    folder = settings.snapshots_dir
    _record_killed_builds(settings, clean_temporary(folder))
    tmp = temp_path(folder, build_id)
    say(f"build {build_id}: reading {settings.staging_db.name}")
    log: dict[str, Any] = {"build_id": build_id, "started_at": started.replace(tzinfo=None)}
    con: duckdb.DuckDBPyConnection | None = None
    contract: ServingWrite | None = None
    try:
        con = connect(tmp, budget=settings.limits)
        params = build_params(settings, build_id, started)
        _prepare(con, settings)
        history.attach(con, settings.history_db)
        # Three transactions for the transform (one WAL sync each, not one per table): the
        # golden records, the facts, the marts. The serving contract starts after the
        # first, on its own cursor, which sees only what is committed: the tables over the
        # golden records at once (the linking of the facts leaves a core idle), those over
        # the facts after the second, those over the marts after the third, while the
        # checks run (they only read: a failed check discards the snapshot and stops the
        # contract).
        con.execute("begin transaction")
        links = _golden(con, settings, params, say)
        con.execute("commit")
        if serving:
            say("writing the serving contract")
            contract = ServingWrite(con, serving_path(tmp))
        con.execute("begin transaction")
        _facts(con, params, say)
        con.execute("commit")
        if contract is not None:
            contract.facts_ready()
        con.execute("begin transaction")
        counts = _marts(con, params, say, links)
        con.execute("commit")
        if contract is not None:
            contract.marts_ready()
        say("running checks")
        failures = run_checks(con, params["receivable_prefixes"])
        failures += fec_balance_failures(con, settings)
        checks = [f.as_dict() for f in failures]
        if failures:
            if contract is not None:
                stopping, contract = contract, None
                stopping.abort()
            names = ", ".join(f.name for f in failures)
            message = f"{len(failures)} check(s) failed: {names}; CURRENT unchanged"
            history.log_build(
                con,
                **log,
                status="failed",
                message=message,
                checks=checks,
                counts=counts,
                finished_at=datetime.now(UTC).replace(tzinfo=None),
            )
            _discard(con, tmp)
            say(message)
            return BuildResult(build_id, None, False, counts, failures, message)
        history.commit(con, build_id, params["as_of"])
        elapsed = time.perf_counter() - clock
        message = f"published {counts['customers']} customers in {elapsed:.1f}s"
        history.log_build(
            con,
            **log,
            status="published",
            message=message,
            checks=[],
            counts=counts,
            finished_at=datetime.now(UTC).replace(tzinfo=None),
        )
        kill_point("build_logged")
        _finish_snapshot(con)
        if contract is not None:
            say("waiting for the serving contract")
            writing, contract = contract, None
            writing.finish()
        say("publishing snapshot")
        path = publish(con, tmp, build_id, settings.snapshots_keep)
    except Exception as exc:
        # Whatever failed (disk full, staging locked, a query), the failure is recorded
        # in the build log with its reason, through a connection of its own: the build's
        # may be unusable by now.
        # The traceback for `-v`; a person gets the one line of BuildError.
        logger.info("build %s failed", build_id, exc_info=True)
        reason = _first_line(exc)
        if contract is not None:
            # Its threads read the build's database: stopped before it is closed.
            contract.abort()
        if con is not None:
            with contextlib.suppress(duckdb.Error):
                _discard(con, tmp)
        tmp.unlink(missing_ok=True)
        try:
            history.log_failure(
                settings.history_db,
                **log,
                message=f"error: {reason}",
                finished_at=datetime.now(UTC).replace(tzinfo=None),
            )
        except (duckdb.Error, OSError):
            logger.warning("could not record the failed build in history", exc_info=True)
        raise BuildError(f"build {build_id} failed: {reason}") from exc
    say(message)
    return BuildResult(build_id, path, True, counts, [], message)


def _record_killed_builds(settings: Settings, removed: list[Path]) -> None:
    """A build killed before publishing (the OOM killer, a power cut: no handler ran)
    leaves only its hidden snapshot, removed now; it is recorded as failed here, so the
    build log has every build. It may have logged itself as published just before the
    kill: that row is replaced."""
    for path in removed:
        if not (path.name.startswith(".") and path.name.endswith(TMP_SUFFIX)):
            continue
        build_id = path.name[1 : -len(TMP_SUFFIX)]
        try:
            started = datetime.strptime(build_id, "%Y%m%dT%H%M%S%fZ")
        except ValueError:
            continue
        try:
            history.log_failure(
                settings.history_db,
                build_id=build_id,
                started_at=started,
                message="interrupted: the build stopped before publishing (killed?); "
                "its partial snapshot was removed",
                finished_at=None,
            )
        except (duckdb.Error, OSError):
            logger.warning("could not record the interrupted build %s", build_id, exc_info=True)


def last_builds(settings: Settings) -> list[dict[str, Any]]:
    """The build log, newest first, with checks and counts decoded."""
    rows = history.build_log(settings.history_db)
    for row in rows:
        for key in ("checks", "counts"):
            row[key] = json.loads(row[key]) if row[key] else None
    return rows
