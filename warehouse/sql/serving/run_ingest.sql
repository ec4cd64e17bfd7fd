-- needs: meta.ingest_run
-- GET /runs `ingest_runs`: one row per file per run, newest first.
create or replace table serving.run_ingest as
select
    row_number() over (order by r.started_at desc, r.source, r.file) as seq,
    r.source,
    to_json(r)::varchar as doc
from (
    select
        i.run_id,
        i.source,
        i.file,
        i.object,
        i.status,
        i.rows_read,
        i.rows_loaded,
        i.rows_rejected,
        i.message,
        i.started_at,
        i.finished_at
    from meta.ingest_run as i
) as r
