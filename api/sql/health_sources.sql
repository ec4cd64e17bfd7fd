-- Each source's last successful load recorded in the snapshot: when, which run, and the
-- rows that run loaded and rejected (files with status loaded only).
with last as (
    select
        r.source,
        max(r.finished_at) as last_success,
        arg_max(r.run_id, r.finished_at) as run_id
    from meta.ingest_run as r
    where r.status = 'loaded'
    group by r.source
)
select
    l.source,
    l.last_success,
    l.run_id,
    sum(r.rows_loaded) as rows_loaded,
    sum(r.rows_rejected) as rows_rejected
from last as l
join meta.ingest_run as r
    on r.source = l.source and r.run_id = l.run_id and r.status = 'loaded'
group by l.source, l.last_success, l.run_id
order by l.source
