-- The last value c360 wrote to each CRM field (data/writeback.duckdb). A row changes only
-- when the CRM confirmed the write, so a failed write is sent again by the next run.
create table if not exists writeback_state (
    source      varchar not null,
    record_id   varchar not null,
    field       varchar not null,
    value       varchar,
    customer_id varchar,
    written_at  timestamp not null,
    primary key (source, record_id, field)
);
