"""The run ledger owns read = loaded + rejected + skipped: it records balanced files,
moves counts only by reclassifying loaded rows, and refuses a file that does not add up
(the source's transaction rolls back and the run records it as failed)."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb
import pytest
from ingest_fixtures import DATA, inbox_of, make_settings, staging

import ingest.pipeline as pipeline
from ingest import run_ledger
from ingest.pipeline import ingest
from ingest.run_ledger import LedgerError
from kernel.connection import init_staging
from kernel.errors import C360Error


@dataclass
class Counts:
    rows_read: int
    rows_loaded: int
    rows_rejected: int = 0
    rows_skipped: int = 0
    source: str = "crm"
    file: str = "companies.csv"
    object: str | None = "customer"
    status: str = "loaded"
    message: str | None = None
    sha256: str | None = "ab" * 32
    bytes: int | None = 120
    extract_kind: str | None = "full"
    started_at: datetime = field(default_factory=lambda: datetime(2026, 12, 1, 2, 0))


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    init_staging(con)
    return con


def _ledger(con: duckdb.DuckDBPyConnection) -> list[tuple[object, ...]]:
    return con.execute(
        "select file, status, rows_read, rows_loaded, rows_rejected, rows_skipped "
        "from meta.ingest_run order by file"
    ).fetchall()


def test_a_balanced_file_is_recorded(con: duckdb.DuckDBPyConnection) -> None:
    run_ledger.record_files(con, "r1", [Counts(10, 7, 2, 1)])
    assert _ledger(con) == [("companies.csv", "loaded", 10, 7, 2, 1)]


@pytest.mark.parametrize(
    "counts",
    [Counts(10, 7, 2, 0), Counts(10, 11, 0, 0), Counts(3, 4, 0, -1)],
    ids=["a row lost", "a row invented", "negative skipped"],
)
def test_a_file_whose_counts_do_not_add_up_is_refused(
    con: duckdb.DuckDBPyConnection, counts: Counts
) -> None:
    balanced = Counts(5, 5, file="other.csv")
    with pytest.raises(LedgerError, match=r"crm/companies.csv \(customer\): ") as refused:
        run_ledger.record_files(con, "r1", [balanced, counts])
    assert isinstance(refused.value, C360Error)
    assert _ledger(con) == []  # not even the balanced file: the lot is refused


def test_reclassify_keeps_every_row_accounted_for(con: duckdb.DuckDBPyConnection) -> None:
    counts = Counts(12, 12)
    run_ledger.reclassify(counts, 3, "rejected")
    run_ledger.reclassify(counts, 2, "skipped")
    assert (counts.rows_loaded, counts.rows_rejected) == (7, 3)
    assert counts.rows_skipped == 2 and run_ledger.unbalanced(counts) is None


def test_rejects_and_failures_go_through_the_ledger(con: duckdb.DuckDBPyConnection) -> None:
    run_ledger.add_rejects(
        con,
        "select ?, ?, ?, ?, ?, ?, ?",
        ["r1", "crm", "companies.csv", "customer", 4, '{"Record ID": ""}', "no id"],
    )
    run_ledger.record_failure(con, "r1", "erp", "ingest failed, nothing loaded: IOException")
    assert con.execute("select line, reason from meta.reject").fetchall() == [(4, "no id")]
    assert con.execute("select source, file, status from meta.ingest_run").fetchall() == [
        ("erp", "*", "failed")
    ]


def test_the_pipeline_refuses_a_source_whose_ledger_does_not_add_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = make_settings(tmp_path, "hubspot", name="crm")
    inbox = inbox_of(settings)
    shutil.copyfile(DATA / "companies_night1.csv", inbox / "companies.csv")
    real = pipeline._suppress_erased

    def lose_a_row(con, settings, source, run_id, outcomes):  # type: ignore[no-untyped-def]
        real(con, settings, source, run_id, outcomes)
        outcomes[0].rows_loaded -= 1  # a bug that drops a row without saying why

    monkeypatch.setattr(pipeline, "_suppress_erased", lose_a_row)
    with pytest.raises(LedgerError, match="read 3 != loaded 2"):
        ingest(settings)
    con = staging(settings)
    assert con.execute("select status from meta.ingest_run").fetchall() == [("failed",)]
    assert con.execute("select count(*) from staging.customer").fetchone() == (0,)
