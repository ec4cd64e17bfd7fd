"""Response shapes of the data-steward and operations endpoints (quality, runs, users)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from api.schemas import Amount, UtcDateTime


class MatchRate(BaseModel):
    source: str
    records: int
    matched: int
    unmatched: int
    match_rate: float | None


class FieldCount(BaseModel):
    field: str
    count: int


class ConflictSummary(BaseModel):
    count: int
    by_field: list[FieldCount]


class ReviewPair(BaseModel):
    left_source: str | None = None
    left_source_id: str | None = None
    right_source: str | None = None
    right_source_id: str | None = None
    score: float | None = None
    evidence: Any = None
    evidence_text: str


class ReviewQueue(BaseModel):
    count: int
    data: list[ReviewPair]


class RejectReason(BaseModel):
    reason: str
    count: int


class SourceRejects(BaseModel):
    source: str
    count: int
    reasons: list[RejectReason]


class CheckCount(BaseModel):
    check_name: str
    severity: str | None = None
    count: int


class OrphanRow(BaseModel):
    """A record that names no known customer: loaded, attached to nobody, in no balance."""

    check_name: str  # orphan_opportunity | orphan_order | orphan_invoice | orphan_ledger_line
    object: str
    source: str
    source_id: str
    document_ref: str | None = None
    names: str | None = None  # the customer reference it carries; null when it names nothing
    reason: str  # no_reference | unknown_customer | customer_deleted
    amount: Amount | None = None  # signed: a credit note is negative
    open_amount: Amount | None = None  # invoices and ledger lines: what is still open
    currency: str | None = None


class FindingRow(BaseModel):
    """One finding of a data-quality check: the record (or customer) it is about, in words."""

    check_name: str  # a check of /quality `checks`: erp_not_in_crm, invalid_legal_id, ...
    severity: str | None = None  # error | warning | info
    customer_id: str | None = None
    source: str | None = None
    source_id: str | None = None
    detail: str | None = None


class OrphanList(BaseModel):
    count: int
    data: list[OrphanRow]


class QualityReport(BaseModel):
    snapshot: str
    match_rates: list[MatchRate]
    unmatched_count: int
    conflicts: ConflictSummary
    review_queue: ReviewQueue
    rejects: list[SourceRejects]
    checks: list[CheckCount]
    orphans: OrphanList = OrphanList(count=0, data=[])
    decisions: list[dict[str, Any]] = []


class RejectRow(BaseModel):
    run_id: str | None = None
    source: str
    file: str | None = None
    object: str | None = None
    line: int | None = None
    raw: str | None = None
    reason: str


class IngestRun(BaseModel):
    run_id: str
    source: str
    file: str | None = None
    object: str | None = None
    status: str | None = None
    rows_read: int | None = None
    rows_loaded: int | None = None
    rows_rejected: int | None = None
    message: str | None = None
    started_at: UtcDateTime | None = None
    finished_at: UtcDateTime | None = None


class BuildRun(BaseModel):
    """One build of the warehouse (meta.build)."""

    build_id: str
    status: str | None = None
    started_at: UtcDateTime | None = None
    finished_at: UtcDateTime | None = None
    message: str | None = None
    checks: str | None = Field(default=None, description="the build's checks, as JSON text")
    counts: str | None = Field(default=None, description="row counts per table, as JSON text")


class RunsReport(BaseModel):
    snapshot: str
    ingest_runs: list[IngestRun]
    ingest_run_count: int
    builds: list[BuildRun]


class UserOut(BaseModel):
    username: str
    role: str
    display_name: str | None = None
    owner_name: str | None = None
    email: str | None = None
    disabled: bool
    created_at: UtcDateTime
    failed_logins: int = 0
    locked_at: UtcDateTime | None = None


class ProfileReadOut(BaseModel):
    read_id: str
    at: UtcDateTime = Field(description="when the read was answered, UTC")
    user: str
    role: str
    customer_id: str
    resource: str = Field(description='"profile", or the sub-list read ("invoices", ...)')


class ProfileReadPage(BaseModel):
    """Newest first. No count: the log grows with every read, counting it is not cheap."""

    data: list[ProfileReadOut]
    next_cursor: str | None = None
