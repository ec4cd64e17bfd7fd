"""Write-back to the CRM: c360's figures onto each CRM record linked to a golden customer.

`run_writeback(settings)` sends, for every source with `[sources.writeback]`, the values
that changed since the last confirmed write (outstanding, overdue, oldest overdue days,
credit limit and utilisation, last invoice date, alert summary, link to the 360° screen)
into the CRM fields mapped in c360.toml (ingest/writeback/fields.py has the defaults).

- What changed is one set-based query of the published snapshot against the last values
  written (ingest/writeback/state.py); nothing changed, nothing is sent.
- Each vendor writes (ingest/systems/<system>/writeback.py) through its connector's
  session (ingest/connectors/: the same auth, retries on 429/5xx honouring Retry-After)
  in batches within the vendor's limits: HubSpot batch update (100), Salesforce sObject
  Collections (200), Dynamics 365 PATCH per account, Odoo `write` per partner.
- A record the CRM refuses fails alone; a vendor that cannot be reached fails its own
  records. Either way the failed values keep their old state and go again next run.
- Every write is logged (customer, source, record, field, old, new, when, result).
"""

from __future__ import annotations

import itertools
import logging
import secrets
from collections.abc import Mapping
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from ingest import systems
from ingest.connectors import ConnectorError, RetryPolicy, open_connector
from ingest.writeback.base import RecordWrite, Writer
from ingest.writeback.fields import field_map
from ingest.writeback.state import Change, Outcome, WritebackState
from kernel.settings import Settings, SourceConfig
from kernel.writeback_log import prune_log

logger = logging.getLogger(__name__)

PREVIEW = 200
FAILURES_KEPT = 100  # failed records named in the result (all are in the log)
# Records read, sent and recorded at a time: memory stays flat on a first run over a
# million records, and a crash loses the state of one slice at most (sent again).
SLICE = 2000


class WritebackConfigError(Exception):
    """The settings ask for a write-back c360 cannot do (no API, unknown source)."""


def writers() -> dict[str, type[Writer]]:
    """The CRM writers by system: each system folder's writeback.py (`WRITER`)."""
    return systems.parts("writeback", "WRITER")


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
    # The first changes (all of them up to PREVIEW), for a dry run's table.
    changes: list[Change] = field(default_factory=list)
    change_count: int = 0
    sources: dict[str, SourceSummary] = field(default_factory=dict)
    failures: dict[tuple[str, str], str] = field(default_factory=dict)
    # Log lines deleted by writeback.log_retention_days at this run.
    pruned: int = 0

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
    available = writers()
    for source in chosen:
        if source.system not in available:
            raise WritebackConfigError(
                f"source {source.name!r}: c360 cannot write back to {source.system} "
                f"(only {', '.join(sorted(available))})"
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
    if not dry_run:
        keep_from = now - timedelta(days=settings.writeback.log_retention_days)
        result.pruned = prune_log(settings.writeback_log_db, keep_from)
    if not sources:
        return result
    with WritebackState(settings) as state:
        counts = state.plan({s.name: field_map(s) for s in sources})
        result.change_count = sum(n for _, n in counts.values())
        result.changes = state.preview(PREVIEW)
        for source in sources:
            summary = result.sources.setdefault(source.name, SourceSummary())
            summary.records, summary.fields = counts.get(source.name, (0, 0))
            if dry_run or not summary.records:
                continue
            with _Sender(source, env, retry) as sender:
                for first in range(1, summary.records + 1, SLICE):
                    last = min(first + SLICE - 1, summary.records)
                    outcomes = sender.write(_records(state.changes(source.name, first, last)))
                    summary.written += sum(o.ok for o in outcomes)
                    summary.failed += sum(not o.ok for o in outcomes)
                    for o in outcomes:
                        if not o.ok and len(result.failures) < FAILURES_KEPT:
                            result.failures[(o.source, o.record_id)] = o.message or ""
                    state.record(outcomes, result.run_id, now)
                    if sender.error:
                        # The vendor cannot be used: the slices not read are not tried
                        # (nor logged) tonight; they keep their state, so go next run.
                        summary.failed += summary.records - last
                        break
                summary.error = sender.error
    return result


def _records(changes: list[Change]) -> list[RecordWrite]:
    """Changes (ordered by source, record) grouped into one write per record."""
    return [
        RecordWrite(record_id, tuple((c.field, c.field_key, c.new_value) for c in group))
        for record_id, group in itertools.groupby(changes, key=lambda c: c.record_id)
    ]


class _Sender:
    """One source's writer on one connection for the whole run. Once the vendor cannot be
    used (auth, retries exhausted, quota), the records not yet sent fail with that reason
    without another request."""

    def __init__(
        self, source: SourceConfig, env: Mapping[str, str], retry: RetryPolicy | None
    ) -> None:
        self.source = source
        self.error: str | None = None
        self._stack = ExitStack()
        try:
            connector = self._stack.enter_context(open_connector(source, env, retry))
            self.writer: Writer | None = writers()[source.system](connector)
        except ConnectorError as exc:
            self._stop(exc)
            self.writer = None

    def __enter__(self) -> _Sender:
        return self

    def __exit__(self, *exc: object) -> None:
        self._stack.close()

    def _stop(self, exc: ConnectorError) -> None:
        text = str(exc).strip()
        self.error = text.splitlines()[0] if text else type(exc).__name__
        logger.warning("write-back to %s stopped: %s", self.source.name, self.error)

    def write(self, records: list[RecordWrite]) -> list[Outcome]:
        answered: dict[str, tuple[bool, str | None]] = {}
        if self.writer is not None and self.error is None:
            try:
                for record_id, ok, message in self.writer.write(records):
                    answered[record_id] = (ok, message)
            except ConnectorError as exc:
                self._stop(exc)
        name = self.source.name
        return [
            Outcome(
                name, r.record_id, *answered.get(r.record_id, (False, f"not sent: {self.error}"))
            )
            for r in records
        ]
