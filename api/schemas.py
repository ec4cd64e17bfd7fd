"""Response shapes. Amounts are exact decimals serialised as JSON strings ("1234.56")."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Annotated, Any, Generic, TypeVar

from pydantic import AfterValidator, BaseModel, Field, PlainSerializer

T = TypeVar("T")


def _amount_text(value: Decimal) -> str:
    return str(Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN))


Amount = Annotated[Decimal, PlainSerializer(_amount_text, return_type=str, when_used="json")]


def as_utc(value: datetime) -> datetime:
    """The warehouse and app.db keep UTC without an offset; RFC 3339 (the schema's
    `date-time`) needs one, so a naive time is read as UTC and every time is sent in UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# Every timestamp the API sends: RFC 3339 in UTC, e.g. "2026-11-27T02:00:00Z".
UtcDateTime = Annotated[datetime, AfterValidator(as_utc)]


class ErrorOut(BaseModel):
    code: str
    message: str
    # Only on a 500: quote it to an operator, who finds it in the log.
    request_id: str | None = None


class Page(BaseModel, Generic[T]):
    data: list[T]
    count: int
    next_cursor: str | None = None


class SourceHealth(BaseModel):
    source: str
    last_success: UtcDateTime | None = Field(
        description="end of the source's last successful load in the served snapshot"
    )
    rows_loaded: int
    rows_rejected: int
    stale: bool = Field(description="no success within twice expected_frequency_hours")


class Health(BaseModel):
    status: str
    snapshot: str | None
    published_at: UtcDateTime | None
    snapshot_age_seconds: float | None = None
    sources: list[SourceHealth] = []


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int
    role: str
    username: str
    display_name: str | None


class Me(BaseModel):
    username: str
    role: str
    display_name: str | None = None
    owner_name: str | None = None


class CustomerSummary(BaseModel):
    customer_id: str
    name: str | None
    siren: str | None = None
    city: str | None = None
    postcode: str | None = None
    segment: str | None = None
    owner: str | None = None
    customer_code: str | None = None
    outstanding_amount: Amount | None = None
    overdue_amount: Amount | None = None
    alert_count: int | None = None
    source_count: int | None = None
    # Why a search hit matched ("SIRET 732 829 320 00074", "name starts with 'dup'");
    # absent when listing without a query.
    match_reason: str | None = None


class Legal(BaseModel):
    siren: str | None = None
    siret: str | None = None
    vat_number: str | None = None


class Coordinates(BaseModel):
    email: str | None = None
    phone: str | None = None
    website: str | None = None
    street: str | None = None
    postcode: str | None = None
    city: str | None = None
    country: str | None = None


class Terms(BaseModel):
    payment_terms_days: int | None = None
    credit_limit_amount: Amount | None = None
    currency: str | None = None


class Aging(BaseModel):
    not_due: Amount | None = None
    d1_30: Amount | None = None
    d31_60: Amount | None = None
    d61_90: Amount | None = None
    over_90: Amount | None = None


class Financial(BaseModel):
    outstanding_amount: Amount | None = None
    overdue_amount: Amount | None = None
    oldest_overdue_days: int | None = None
    # Unlettered payments and credit notes, applied to the oldest debits for aging.
    unallocated_cash_amount: Amount | None = None
    # What is left of them after every debit: the customer is in credit by this much.
    credit_balance_amount: Amount | None = None
    credit_limit_amount: Amount | None = None
    credit_utilisation: float | None = None
    open_orders_amount: Amount | None = None
    credit_exposure_amount: Amount | None = None
    revenue_ytd_amount: Amount | None = None
    revenue_last_year_amount: Amount | None = None
    revenue_total_amount: Amount | None = None
    open_pipeline_amount: Amount | None = None
    weighted_pipeline_amount: Amount | None = None
    aging: Aging


class AlertOut(BaseModel):
    customer_id: str
    customer_name: str | None = None
    alert_type: str
    severity: str | None = None
    message: str | None = None
    owner: str | None = None
    amount: Amount | None = None
    # mart.alert's parameters: the dashboard says the alert in its reader's language
    reference: str | None = None
    since: date | None = None
    age_days: int | None = None
    subject: str | None = None


class SourceRecord(BaseModel):
    source: str
    source_id: str
    system: str | None = None
    role: str | None = None
    match_rule: str | None = None
    match_score: float | None = None
    evidence: Any = None
    evidence_text: str


class Conflict(BaseModel):
    field: str
    values: Any = None
    chosen_value: Any = None
    chosen_source: str | None = None
    rule: str | None = None


class Provenance(BaseModel):
    """Which source a surviving field came from, and when that source last loaded."""

    field: str
    source: str
    system: str | None = None
    role: str | None = None
    run_id: str | None = None
    loaded_at: UtcDateTime | None = None
    changed_at: UtcDateTime | None = None  # when the source last changed this record


class Relationship(BaseModel):
    """When we last talked and what comes next, what is open, how the customer pays and
    what it buys (core.customer_relationship; docs/contracts.md)."""

    last_activity_date: date | None = None
    last_activity_kind: str | None = None
    last_activity_subject: str | None = None
    next_activity_date: date | None = None
    next_activity_kind: str | None = None
    next_activity_subject: str | None = None
    open_ticket_count: int = 0
    oldest_open_ticket_date: date | None = None
    open_ticket_top_priority: str | None = None
    open_quote_count: int = 0
    open_quotes_amount: Amount | None = None
    oldest_open_quote_days: int | None = None
    paid_invoice_count_12m: int = 0
    median_days_to_pay_12m: float | None = None
    on_time_rate_12m: float | None = None
    median_days_to_pay_prev_12m: float | None = None
    on_time_rate_prev_12m: float | None = None
    days_to_pay_trend: str | None = Field(
        default=None,
        description="faster | steady | slower: the 12 months' median against the 12 before",
    )
    last_payment_date: date | None = None
    last_purchase_date: date | None = None
    top_product: str | None = None


class CustomerProfile(BaseModel):
    customer_id: str
    name: str | None
    customer_code: str | None = None
    owner: str | None = None
    segment: str | None = None
    lifecycle_stage: str | None = None
    legal: Legal
    coordinates: Coordinates
    terms: Terms
    financial: Financial
    alerts: list[AlertOut]
    sources: list[SourceRecord]
    conflicts: list[Conflict]
    provenance: list[Provenance] = []
    has_crm: bool | None = None
    has_erp: bool | None = None
    has_accounting: bool | None = None
    last_order_date: date | None = None
    last_invoice_date: date | None = None
    last_activity_date: date | None = None
    relationship: Relationship = Relationship()
    updated_at: UtcDateTime | None = None
    snapshot: str


class InvoiceOut(BaseModel):
    source: str
    source_id: str
    invoice_number: str | None = None
    kind: str | None = None
    status: str | None = None
    issue_date: date | None = None
    due_date: date | None = None
    amount_excl_tax: Amount | None = None
    amount_incl_tax: Amount | None = None
    amount_open: Amount | None = None
    currency: str | None = None


class OrderOut(BaseModel):
    source: str
    source_id: str
    order_number: str | None = None
    status: str | None = None
    order_date: date | None = None
    amount_excl_tax: Amount | None = None
    amount_incl_tax: Amount | None = None
    currency: str | None = None


class OpportunityOut(BaseModel):
    source: str
    source_id: str
    name: str | None = None
    stage: str | None = None
    status: str | None = None
    amount: Amount | None = None
    probability: float | None = None
    close_date: date | None = None
    owner: str | None = None


class ContactOut(BaseModel):
    source: str
    source_id: str
    first_name: str | None = None
    last_name: str | None = None
    full_name: str | None = None
    email: str | None = None
    phone: str | None = None
    job_title: str | None = None


class OpenItemOut(BaseModel):
    source: str
    document_ref: str | None = None
    document_date: date | None = None
    due_date: date | None = None
    # document | erp_invoice | payment_terms | default_terms: where the due date came from
    due_date_rule: str | None = None
    amount_open: Amount | None = None
    # Of a debit, the part covered by the customer's unallocated cash; of a credit, itself.
    amount_allocated: Amount | None = None
    amount_remaining: Amount | None = None
    days_overdue: int | None = None
    aging_bucket: str | None = None


class TimelineEvent(BaseModel):
    event_date: date | None
    # invoice | credit_note | order | opportunity | payment | activity | ticket | quote
    event_type: str
    source: str
    source_id: str
    reference: str | None = None
    status: str | None = None
    amount: Amount | None = None
    currency: str | None = None
    # An activity's kind (call, email, meeting, note, task) or a ticket's priority.
    kind: str | None = None
    subject: str | None = None


class BalancePoint(BaseModel):
    build_date: date
    outstanding_amount: Amount | None = None
    overdue_amount: Amount | None = None


class AgingBucket(BaseModel):
    bucket: str
    amount: Amount
    customer_count: int


class ReceivableCustomer(BaseModel):
    customer_id: str
    name: str | None
    owner: str | None = None
    segment: str | None = None
    outstanding_amount: Amount | None = None
    overdue_amount: Amount | None = None
    oldest_overdue_days: int | None = None
    credit_limit_amount: Amount | None = None
    credit_utilisation: float | None = None


class AgingReport(BaseModel):
    buckets: list[AgingBucket]
    total_amount: Amount
    overdue_amount: Amount
    top_customers: list[ReceivableCustomer]
    snapshot: str


class KpiMonth(BaseModel):
    month: date
    segment: str | None = None
    owner: str | None = None
    revenue_amount: Amount | None = None
    credit_note_amount: Amount | None = None
    pipeline_amount: Amount | None = None
    weighted_pipeline_amount: Amount | None = None
    won_count: int | None = None
    lost_count: int | None = None
    win_rate: float | None = None
    active_customers: int | None = None
    new_customers: int | None = None
    dso_days: float | None = None
    overdue_share: float | None = None
    # Relationship KPIs (mart.kpi_monthly): quotes by issue month and their outcome,
    # open quotes on the as-of month, tickets, invoices settled and their days-to-pay.
    quotes_issued_count: int | None = None
    quotes_won_count: int | None = None
    quotes_lost_count: int | None = None
    quote_conversion_rate: float | None = None
    open_quote_count: int | None = None
    open_quote_amount: Amount | None = None
    open_quote_age_days_total: int | None = None
    open_quote_over_30_days_count: int | None = None
    tickets_opened_count: int | None = None
    tickets_closed_count: int | None = None
    paid_invoice_count: int | None = None
    days_to_pay_total: int | None = None
    paid_on_time_count: int | None = None
    avg_days_to_pay: float | None = None


class InboundAccepted(BaseModel):
    status: str
    records: int
    idempotency_key: str
