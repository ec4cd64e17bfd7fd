select
    r.run_id,
    r.source,
    r.file,
    r.object,
    r.status,
    r.rows_read,
    r.rows_loaded,
    r.rows_rejected,
    r.message,
    r.started_at,
    r.finished_at
from meta.ingest_run as r
where ($source is null or r.source = $source)
