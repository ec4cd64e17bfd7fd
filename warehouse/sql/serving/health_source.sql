-- needs: meta.ingest_run
-- /health and /metrics `sources`: each source's last successful load recorded in the
-- snapshot, when, which run, and the rows that run loaded and rejected (files with
-- status loaded only).
create or replace table serving.health_source as
with
last as (
    select
        r.source,
        max(r.finished_at) as last_success,
        arg_max(r.run_id, r.finished_at) as run_id
    from meta.ingest_run as r
    where r.status = 'loaded'
    group by r.source
),

final as (
    select
        l.source,
        c360_rfc3339(l.last_success) as last_success,
        l.run_id,
        sum(r.rows_loaded)::bigint as rows_loaded,
        sum(r.rows_rejected)::bigint as rows_rejected
    from last as l
    inner join meta.ingest_run as r
        on r.source = l.source and r.run_id = l.run_id and r.status = 'loaded'
    group by l.source, l.last_success, l.run_id
)

select f.source, to_json(f)::varchar as doc
from final as f
