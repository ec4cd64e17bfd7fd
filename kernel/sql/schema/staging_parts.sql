-- Customer parts: ERP tables that hold part of a customer and arrive as their own extract
-- (SAP KNB1 / KNKK, Sage X3 BPADDRESS, Oracle HZ_PARTIES / HZ_CUST_PROFILE_AMTS). Each is
-- merged like any object (keyed by its own table key), then joined into staging.customer
-- at the end of the source's ingest (ingest/staging_join.py, staging/customer_join.sql),
-- so the join holds whatever order and run the tables came in. A part whose customer has
-- not arrived stays here and is joined when it does.

-- The TCA party an Oracle account belongs to (HZ_CUST_ACCOUNTS.PARTY_ID): the join key of
-- HZ_PARTIES. Added to staging databases created before it existed.
alter table staging.customer add column if not exists party_source_id varchar;

-- SAP KNB1: one row per customer and company code (BUKRS).
create table if not exists staging.customer_company (
    source               varchar not null,
    source_id            varchar not null,  -- KUNNR/BUKRS
    customer_source_id   varchar,           -- KUNNR
    company_code         varchar,           -- BUKRS
    account              varchar,           -- AKONT, reconciliation account
    payment_terms_days   integer,           -- from ZTERM
    owner                varchar,           -- BUSAB, accounting clerk
    is_deleted           boolean not null default false,
    _run_id              varchar not null,
    _file                varchar,
    _line                bigint
);

-- SAP KNKK (per credit control area KKBER), Oracle HZ_CUST_PROFILE_AMTS (per currency,
-- account or site level).
create table if not exists staging.customer_credit (
    source               varchar not null,
    source_id            varchar not null,
    customer_source_id   varchar,           -- KUNNR / CUST_ACCOUNT_ID
    credit_area          varchar,           -- KKBER
    site_source_id       varchar,           -- Oracle SITE_USE_ID: set on site-level limits
    credit_limit_amount  decimal(18,2),
    currency             varchar,
    is_deleted           boolean not null default false,
    _run_id              varchar not null,
    _file                varchar,
    _line                bigint
);

-- Sage X3 BPADDRESS: one row per business partner and address code.
create table if not exists staging.customer_address (
    source               varchar not null,
    source_id            varchar not null,  -- BPANUM/BPAADD (BPATYP first when extracted)
    customer_source_id   varchar,           -- BPANUM
    address_code         varchar,           -- BPAADD
    is_default           boolean,           -- BPAADDFLG = 2
    street               varchar,
    postcode             varchar,
    city                 varchar,
    country              varchar,
    phone                varchar,
    phone_valid          boolean,
    email                varchar,
    email_valid          boolean,
    is_deleted           boolean not null default false,
    _run_id              varchar not null,
    _file                varchar,
    _line                bigint
);

-- Oracle HZ_PARTIES: the party (organisation) behind one or more cust accounts.
create table if not exists staging.customer_party (
    source               varchar not null,
    source_id            varchar not null,  -- PARTY_ID
    name                 varchar,
    siren                varchar,
    siren_valid          boolean,
    siret                varchar,
    siret_valid          boolean,
    vat_number           varchar,
    vat_valid            boolean,
    email                varchar,
    email_valid          boolean,
    phone                varchar,
    phone_valid          boolean,
    website              varchar,
    street               varchar,
    postcode             varchar,
    city                 varchar,
    country              varchar,
    is_deleted           boolean not null default false,
    _run_id              varchar not null,
    _file                varchar,
    _line                bigint
);
