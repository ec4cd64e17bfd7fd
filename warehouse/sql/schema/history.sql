-- history.duckdb, attached as `hist`: facts kept across builds (see warehouse/history.py).
create table if not exists hist.id_registry (
    source       varchar not null,
    source_id    varchar not null,
    customer_id  varchar not null,
    first_build  varchar not null,
    primary key (source, source_id)
);
-- Ids a record carried before its current one (written when it changes), so that a split
-- can give a part back the id it had before a merge.
create table if not exists hist.id_history (
    source       varchar not null,
    source_id    varchar not null,
    customer_id  varchar not null,
    until_build  varchar not null,
    primary key (source, source_id, customer_id)
);
create table if not exists hist.id_redirect (
    old_customer_id  varchar primary key,
    customer_id      varchar not null,
    build_id         varchar not null
);
create table if not exists hist.balance_history (
    build_date          date not null,
    customer_id         varchar not null,
    outstanding_amount  decimal(18,2),
    overdue_amount      decimal(18,2),
    build_id            varchar not null,
    primary key (build_date, customer_id)
);
create table if not exists hist.order_status (
    source            varchar not null,
    source_id         varchar not null,
    status            varchar not null,
    first_seen_build  varchar not null,
    primary key (source, source_id, status)
);
create table if not exists hist.build_log (
    build_id     varchar primary key,
    started_at   timestamp not null,
    finished_at  timestamp,
    status       varchar not null,
    message      varchar,
    checks       varchar,
    counts       varchar
);
