-- Canonical, typed staging tables: one per canonical object.
-- Every row carries source, source_id, _run_id, _file, _line, is_deleted.
-- Money is DECIMAL(18,2) next to a currency column; dates are DATE/TIMESTAMP.
-- *_source_id columns are the source system's own keys of the parent record.

create table if not exists staging.customer (
    source               varchar not null,
    source_id            varchar not null,
    customer_code        varchar,         -- ERP code, or the ERP code a CRM record holds
    name                 varchar,
    legal_form           varchar,
    siren                varchar,         -- 9 digits when valid, raw text otherwise
    siren_valid          boolean,
    siret                varchar,         -- 14 digits when valid, raw text otherwise
    siret_valid          boolean,
    vat_number           varchar,         -- compact, country-prefixed (FR44732829320)
    vat_valid            boolean,
    email                varchar,
    email_valid          boolean,
    phone                varchar,         -- E.164 when parseable, raw otherwise
    phone_valid          boolean,
    website              varchar,
    street               varchar,
    postcode             varchar,
    city                 varchar,
    country              varchar,         -- ISO 3166-1 alpha-2
    segment              varchar,
    owner                varchar,
    lifecycle_stage      varchar,
    is_customer          boolean,         -- false for CRM prospects/leads
    payment_terms_days   integer,
    credit_limit_amount  decimal(18,2),
    currency             varchar,
    created_at           timestamp,
    updated_at           timestamp,
    is_deleted           boolean not null default false,
    _run_id              varchar not null,
    _file                varchar,
    _line                bigint
);

create table if not exists staging.contact (
    source               varchar not null,
    source_id            varchar not null,
    customer_source_id   varchar,
    first_name           varchar,
    last_name            varchar,
    full_name            varchar,
    email                varchar,
    email_valid          boolean,
    phone                varchar,
    phone_valid          boolean,
    job_title            varchar,
    owner                varchar,
    created_at           timestamp,
    updated_at           timestamp,
    is_deleted           boolean not null default false,
    _run_id              varchar not null,
    _file                varchar,
    _line                bigint
);

create table if not exists staging.opportunity (
    source               varchar not null,
    source_id            varchar not null,
    customer_source_id   varchar,
    name                 varchar,
    stage                varchar,
    status               varchar,         -- open | won | lost
    amount               decimal(18,2),
    currency             varchar,
    probability          decimal(5,4),    -- 0..1
    close_date           date,
    owner                varchar,
    created_at           timestamp,
    updated_at           timestamp,
    is_deleted           boolean not null default false,
    _run_id              varchar not null,
    _file                varchar,
    _line                bigint
);

create table if not exists staging.quote (
    source                 varchar not null,
    source_id              varchar not null,
    customer_source_id     varchar,
    opportunity_source_id  varchar,
    quote_number           varchar,
    status                 varchar,       -- draft | sent | accepted | refused | expired
    issue_date             date,
    valid_until            date,
    amount_excl_tax        decimal(18,2),
    amount_incl_tax        decimal(18,2),
    currency               varchar,
    owner                  varchar,
    order_source_id        varchar,       -- the order it became, when the source says so
    updated_at             timestamp,
    is_deleted             boolean not null default false,
    _run_id                varchar not null,
    _file                  varchar,
    _line                  bigint
);

create table if not exists staging.sales_order (
    source               varchar not null,
    source_id            varchar not null,
    customer_source_id   varchar,
    order_number         varchar,
    quote_source_id      varchar,         -- the quote it came from, when the source says so
    status               varchar,         -- draft | confirmed | shipped | delivered | invoiced | cancelled
    order_date           date,
    amount_excl_tax      decimal(18,2),
    amount_incl_tax      decimal(18,2),
    currency             varchar,
    owner                varchar,
    created_at           timestamp,
    updated_at           timestamp,
    is_deleted           boolean not null default false,
    _run_id              varchar not null,
    _file                varchar,
    _line                bigint
);

create table if not exists staging.order_line (
    source               varchar not null,
    source_id            varchar not null,
    order_source_id      varchar,
    line_number          integer,
    product_code         varchar,
    description          varchar,
    quantity             decimal(18,4),
    unit_price           decimal(18,4),
    discount_percent     decimal(9,4),    -- 10.0000 = 10 % off the unit price
    amount_excl_tax      decimal(18,2),
    currency             varchar,
    is_deleted           boolean not null default false,
    _run_id              varchar not null,
    _file                varchar,
    _line                bigint
);

create table if not exists staging.invoice (
    source               varchar not null,
    source_id            varchar not null,
    customer_source_id   varchar,
    invoice_number       varchar,
    kind                 varchar,         -- invoice | credit_note
    status               varchar,         -- draft | posted | cancelled
    order_ref            varchar,
    issue_date           date,
    due_date             date,
    amount_excl_tax      decimal(18,2),   -- positive; kind gives the direction
    amount_incl_tax      decimal(18,2),
    amount_open          decimal(18,2),   -- still owed, positive; kind gives the direction
    currency             varchar,
    updated_at           timestamp,
    is_deleted           boolean not null default false,
    _run_id              varchar not null,
    _file                varchar,
    _line                bigint
);

-- A receipt, or one allocation of a receipt to an invoice (Sage X3 PAYMENTD, SAP cleared
-- items): invoice_ref names the invoice(s) it settles, several separated by ';'.
create table if not exists staging.payment (
    source               varchar not null,
    source_id            varchar not null,
    customer_source_id   varchar,
    payment_number       varchar,
    payment_date         date,
    amount               decimal(18,2),
    currency             varchar,
    invoice_ref          varchar,
    method               varchar,
    is_deleted           boolean not null default false,
    _run_id              varchar not null,
    _file                varchar,
    _line                bigint
);

-- Accounting open items (FEC lines on 411*, SAP BSID/BSAD, Oracle payment schedules,
-- Sage X3 GACCDUDATE): the truth for balances when an accounting source is configured.
create table if not exists staging.receivable_item (
    source               varchar not null,
    source_id            varchar not null,
    customer_source_id   varchar,
    customer_name        varchar,
    account              varchar,
    journal              varchar,
    entry_number         varchar,
    document_ref         varchar,
    document_date        date,
    posting_date         date,
    due_date             date,           -- null when the source has none (FEC)
    kind                 varchar,        -- invoice | credit_note | payment | opening | other
    amount               decimal(18,2),  -- signed: + the customer owes us
    amount_open          decimal(18,2),  -- signed, still open
    lettering            varchar,
    lettering_date       date,
    currency             varchar,
    is_deleted           boolean not null default false,
    _run_id              varchar not null,
    _file                varchar,
    _line                bigint
);

-- FEC lines on sales accounts (7xx by default, `fec.revenue_prefixes`). With the
-- receivable lines of the same entry they give the books' invoices and revenue when no
-- ERP provides invoices (warehouse/sql/core/ledger_invoice.sql).
create table if not exists staging.ledger_line (
    source               varchar not null,
    source_id            varchar not null,
    account              varchar,
    account_label        varchar,
    journal              varchar,
    entry_number         varchar,
    document_ref         varchar,
    document_date        date,
    posting_date         date,
    label                varchar,
    amount               decimal(18,2),  -- signed as receivable_item: debit − credit
    currency             varchar,
    is_deleted           boolean not null default false,
    _run_id              varchar not null,
    _file                varchar,
    _line                bigint
);

create table if not exists staging.product (
    source               varchar not null,
    source_id            varchar not null,
    product_code         varchar,
    name                 varchar,
    family               varchar,
    list_price           decimal(18,4),
    currency             varchar,
    is_active            boolean,
    is_deleted           boolean not null default false,
    _run_id              varchar not null,
    _file                varchar,
    _line                bigint
);

create table if not exists staging.ticket (
    source               varchar not null,
    source_id            varchar not null,
    customer_source_id   varchar,
    contact_source_id    varchar,         -- links the ticket through the contact's company
    opportunity_source_id varchar,        -- or through the deal / opportunity's customer
    ticket_number        varchar,
    subject              varchar,
    status               varchar,         -- open | pending | closed
    priority             varchar,         -- low | medium | high | urgent
    owner                varchar,
    opened_at            timestamp,
    closed_at            timestamp,
    is_deleted           boolean not null default false,
    _run_id              varchar not null,
    _file                varchar,
    _line                bigint
);

create table if not exists staging.activity (
    source               varchar not null,
    source_id            varchar not null,
    customer_source_id   varchar,
    contact_source_id    varchar,         -- links the activity through the contact's company
    opportunity_source_id varchar,        -- or through the deal / opportunity's customer
    kind                 varchar,         -- call | email | meeting | note | task
    subject              varchar,
    occurred_at          timestamp,       -- when it happened; a task's due date, a meeting's start
    status               varchar,         -- done | open | cancelled
    outcome              varchar,
    owner                varchar,
    is_deleted           boolean not null default false,
    _run_id              varchar not null,
    _file                varchar,
    _line                bigint
);

-- Columns added after the first release: a staging database created before them gains them
-- here (new rows fill them; rows loaded earlier keep NULL until their source is reloaded).
alter table staging.quote add column if not exists order_source_id varchar;
alter table staging.sales_order add column if not exists quote_source_id varchar;
alter table staging.order_line add column if not exists discount_percent decimal(9,4);
alter table staging.payment add column if not exists payment_number varchar;
alter table staging.ticket add column if not exists contact_source_id varchar;
alter table staging.ticket add column if not exists ticket_number varchar;
alter table staging.ticket add column if not exists owner varchar;
alter table staging.ticket add column if not exists opportunity_source_id varchar;
alter table staging.activity add column if not exists opportunity_source_id varchar;
alter table staging.activity add column if not exists contact_source_id varchar;
alter table staging.activity add column if not exists status varchar;
alter table staging.activity add column if not exists outcome varchar;
