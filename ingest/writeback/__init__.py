"""Write-back to the CRM: c360's figures onto each CRM record linked to a golden customer.

`run_writeback(settings)` sends, for every source with `[sources.writeback]`, the values
that changed since the last confirmed write (outstanding, overdue, oldest overdue days,
credit limit and utilisation, last invoice date, alert summary, link to the 360° screen)
into the CRM fields mapped in c360.toml (ingest/writeback/fields.py has the defaults).

- What changed is one set-based query of the published snapshot against the last values
  written (warehouse/writeback_store.py); nothing changed, nothing is sent.
- Each vendor writes through its connector's session (ingest/connectors/: the same auth,
  retries on 429/5xx honouring Retry-After) in batches within the vendor's limits:
  HubSpot batch update (100), Salesforce sObject Collections (200), Dynamics 365 PATCH per
  account, Odoo `write` per partner.
- A record the CRM refuses fails alone; a vendor that cannot be reached fails its own
  records. Either way the failed values keep their old state and go again next run.
- Every write is logged (customer, source, record, field, old, new, when, result).
"""

from __future__ import annotations

import itertools
import logging
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from ingest.connectors import ConnectorError, RetryPolicy, open_connector
from ingest.writeback.base import RecordWrite, Writer
from ingest.writeback.dynamics365 import DynamicsWriter
from ingest.writeback.fields import field_map
from ingest.writeback.hubspot import HubSpotWriter
from ingest.writeback.odoo import OdooWriter
from ingest.writeback.salesforce import SalesforceWriter
from warehouse.settings import Settings, SourceConfig
from warehouse.writeback_store import Change, Outcome, WritebackState

logger = logging.getLogger(__name__)

WRITERS: dict[str, type[Writer]] = {
    "hubspot": HubSpotWriter,
    "salesforce": SalesforceWriter,
    "dynamics365": DynamicsWriter,
    "odoo": OdooWriter,
}


class WritebackConfigError(Exception):
    """The settings ask for a write-back c360 cannot do (no API, unknown source)."""


@dataclass
class SourceSummary:
    records: int = 0
    fields: int = 0
    written: int = 0
    failed: int = 0
    error: str | None = None


@dataclass
class WritebackResult:
    run_id: str
    dry_run: bool
    changes: list[Change] = field(default_factory=list)
    sources: dict[str, SourceSummary] = field(default_factory=dict)
    failures: dict[tuple[str, str], str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not any(s.failed for s in self.sources.values())


def writeback_sources(settings: Settings, only: list[str] | None = None) -> list[SourceConfig]:
    """The sources to write: those with `[sources.writeback]` enabled (or `only` of them)."""
    names = {s.name for s in settings.sources}
    unknown = sorted(set(only or ()) - names)
    if unknown:
        raise WritebackConfigError(f"unknown source {', '.join(unknown)}")
    chosen = [
        s
        for s in settings.sources
        if s.writeback is not None and s.writeback.enabled and (not only or s.name in only)
    ]
    if only and len(chosen) < len(set(only)):
        off = sorted(set(only) - {s.name for s in chosen})
        raise WritebackConfigError(
            f"source {', '.join(off)} has no [sources.writeback] section (or enabled = false)"
        )
    for source in chosen:
        if source.system not in WRITERS:
            raise WritebackConfigError(
                f"source {source.name!r}: c360 cannot write back to {source.system} "
                f"(only {', '.join(sorted(WRITERS))})"
            )
        if source.api is None:
            raise WritebackConfigError(
                f"source {source.name!r} has [sources.writeback] but no [sources.api]: "
                "writing needs the API's address and credentials"
            )
    return chosen


def run_writeback(
    settings: Settings,
    *,
    only: list[str] | None = None,
    dry_run: bool = False,
    env: Mapping[str, str],
    retry: RetryPolicy | None = None,
) -> WritebackResult:
    """Send what changed since the last confirmed write (nothing with `dry_run`)."""
    now = datetime.now(UTC).replace(tzinfo=None)
    result = WritebackResult(f"wb-{now:%Y%m%dT%H%M%S}-{secrets.token_hex(3)}", dry_run)
    sources = writeback_sources(settings, only)
    if not sources:
        return result
    with WritebackState(settings) as state:
        result.changes = state.changes({s.name: field_map(s) for s in sources})
        for source in sources:
            mine = [c for c in result.changes if c.source == source.name]
            summary = result.sources.setdefault(source.name, SourceSummary())
            records = _records(mine)
            summary.records, summary.fields = len(records), len(mine)
            if dry_run or not records:
                continue
            outcomes, summary.error = _write_source(source, records, env, retry)
            summary.written = sum(o.ok for o in outcomes)
            summary.failed = len(outcomes) - summary.written
            result.failures.update(
                {(o.source, o.record_id): o.message or "" for o in outcomes if not o.ok}
            )
            state.record(outcomes, result.run_id, now)
    return result


def _records(changes: list[Change]) -> list[RecordWrite]:
    """Changes (ordered by source, record) grouped into one write per record."""
    return [
        RecordWrite(record_id, tuple((c.field, c.field_key, c.new_value) for c in group))
        for record_id, group in itertools.groupby(changes, key=lambda c: c.record_id)
    ]


def _write_source(
    source: SourceConfig,
    records: list[RecordWrite],
    env: Mapping[str, str],
    retry: RetryPolicy | None,
) -> tuple[list[Outcome], str | None]:
    answered: dict[str, tuple[bool, str | None]] = {}
    error: str | None = None
    try:
        with open_connector(source, env, retry) as connector:
            writer = WRITERS[source.system](connector)
            logger.info("writing %d %s records to %s", len(records), source.name, writer.vendor)
            for record_id, ok, message in writer.write(records):
                answered[record_id] = (ok, message)
    except ConnectorError as exc:
        error = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        logger.warning("write-back to %s stopped: %s", source.name, error)
    outcomes = []
    for record in records:
        ok, message = answered.get(record.record_id, (False, f"not sent: {error}"))
        outcomes.append(Outcome(source.name, record.record_id, ok, message))
    return outcomes, error
