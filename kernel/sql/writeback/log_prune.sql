-- SQLite: delete the write-back log lines older than writeback.log_retention_days, in one
-- statement. Parameter: ? = the oldest time kept (ISO text, as written_at is stored).
delete from writeback_log
where written_at < ?
