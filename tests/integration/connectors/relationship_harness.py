"""Fetch from a fake vendor, ingest the pages, and read staging back: the exact-row tests
of the relationship objects share it (tests/integration/connectors/test_*_relationship.py).

`fetch_and_stage` runs the real `fetch_sources` then the real `ingest` on a fresh data
folder; every file outcome must balance (read = loaded + rejected + skipped).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
from connector_harness import Harness

from ingest.fetch import FetchOutcome, fetch_sources, save_watermark
from ingest.pipeline import IngestResult, inbox_files, ingest
from kernel.connection import connect
from kernel.settings import Settings

# The staged columns the exact-row tests read where the vendors' rows share them.
TICKET = (
    "source_id, customer_source_id, contact_source_id, ticket_number, subject, status, "
    "priority, opened_at, closed_at, owner"
)
QUOTE = (
    "source_id, customer_source_id, opportunity_source_id, quote_number, status, "
    "issue_date, valid_until, amount_excl_tax, amount_incl_tax"
)


@dataclass
class Staged:
    fetched: FetchOutcome
    # (page file, object) -> (status, read, loaded, rejected, skipped)
    runs: dict[tuple[str, str | None], tuple[str, int, int, int, int]]
    con: duckdb.DuckDBPyConnection
    settings: Settings

    def rows(self, obj: str, columns: str) -> list[tuple[Any, ...]]:
        return self.con.execute(
            f"select {columns} from staging.{obj} where source = 'crm' order by source_id"
        ).fetchall()

    def close(self) -> None:
        self.con.close()

    def by_object(self) -> dict[str | None, tuple[int, int, int, int]]:
        """Per staging object: (read, loaded, rejected, skipped) summed over its pages."""
        out: dict[str | None, tuple[int, int, int, int]] = {}
        for (_, obj), (_, *counts) in self.runs.items():
            before = out.get(obj, (0, 0, 0, 0))
            out[obj] = tuple(a + b for a, b in zip(before, counts, strict=True))  # type: ignore[assignment]
        return out


def settings_for(data_dir: Path, h: Harness, *, extract: str = "full", **api: Any) -> Settings:
    api_cfg = {"base_url": h.url, "token_env": h.token_env, **h.api_defaults, **api}
    source = {"name": "crm", "system": h.system, "role": "crm", "api": api_cfg}
    return Settings(data_dir=data_dir, sources=[source | {"extract": extract}])


def fetch_and_ingest(settings: Settings, h: Harness) -> tuple[FetchOutcome, IngestResult]:
    """The real fetch, then the real ingest of the inbox and the pages it landed; every
    file's rows accounted for."""
    fetched = fetch_sources(settings, env={h.token_env: h.fake.token})
    assert not fetched.errors, fetched.errors
    result = ingest(
        settings, files_for=lambda s: inbox_files(s, settings) + fetched.files.get(s.name, [])
    )
    assert result.ok, [o.message for o in result.refused]
    for o in result.outcomes:
        assert o.rows_read == o.rows_loaded + o.rows_rejected + o.rows_skipped, o
    return fetched, result


def night(settings: Settings, h: Harness) -> IngestResult:
    """`fetch_and_ingest`, then each source keeps the watermark and cursors it reached, as
    a night does."""
    fetched, result = fetch_and_ingest(settings, h)
    for source in settings.sources:
        name = source.name
        save_watermark(settings, name, fetched.watermarks[name], fetched.cursors.get(name))
    return result


def fetch_and_stage(settings: Settings, h: Harness) -> Staged:
    fetched, result = fetch_and_ingest(settings, h)
    runs = {
        (o.file, o.object): (o.status, o.rows_read, o.rows_loaded, o.rows_rejected, o.rows_skipped)
        for o in result.outcomes
    }
    con = connect(settings.staging_db, read_only=True)
    return Staged(fetched, runs, con, settings)


@contextmanager
def staged_from(settings: Settings, h: Harness) -> Iterator[Staged]:
    """`fetch_and_stage`, its staging connection closed when the test is done with it."""
    staged = fetch_and_stage(settings, h)
    try:
        yield staged
    finally:
        staged.close()
