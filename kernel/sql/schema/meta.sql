-- Run accounting: one row per file per run; every rejected row with its reason.
create schema if not exists meta;
create schema if not exists raw;
create schema if not exists staging;

create table if not exists meta.ingest_run (
    run_id        varchar not null,
    source        varchar not null,
    file          varchar not null,
    object        varchar,
    status        varchar not null,   -- loaded | skipped | refused | failed
    rows_read     bigint not null default 0,
    rows_loaded   bigint not null default 0,
    rows_rejected bigint not null default 0,
    rows_skipped  bigint not null default 0,  -- out of the object's scope (read = loaded + rejected + skipped)
    message       varchar,
    sha256        varchar,
    bytes         bigint,
    extract_kind  varchar,            -- full | incremental
    started_at    timestamp not null,
    finished_at   timestamp
);

create table if not exists meta.reject (
    run_id  varchar not null,
    source  varchar not null,
    file    varchar not null,
    object  varchar,
    line    bigint,
    raw     varchar,
    reason  varchar not null
);

-- Checksums of every file ever loaded, so the same extract is loaded once.
create table if not exists meta.landed_file (
    source     varchar not null,
    sha256     varchar not null,
    run_id     varchar not null,
    file       varchar not null,
    landed_at  timestamp not null,
    primary key (source, sha256)
);
