-- SQLite: every CRM write c360 made or tried (data/writeback_log.sqlite), newest last.
create table if not exists writeback_log (
    log_id      integer primary key autoincrement,
    run_id      text not null,
    written_at  text not null,
    customer_id text,
    source      text not null,
    record_id   text not null,
    field       text not null,
    old_value   text,
    new_value   text,
    result      text not null,
    message     text
);
create index if not exists writeback_log_customer on writeback_log (customer_id, log_id);
create index if not exists writeback_log_source on writeback_log (source, log_id);
-- Retention (writeback.log_retention_days) deletes by time.
create index if not exists writeback_log_written on writeback_log (written_at);
