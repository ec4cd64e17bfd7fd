-- needs: core.source, meta.ingest_run
-- The profile's provenance (api/profile.py) per source: its system and role, and its last
-- successful load (when, which run; none when no load is recorded). A few rows: the API
-- joins them per request with the customer's field sources (the profile's `field_sources`)
-- and when each source last changed the customer's record (its source records' documents),
-- instead of the build storing five documents per customer.
create or replace table serving.provenance_source as
with last_run as (
    select
        ingest_run.source,
        max(ingest_run.finished_at) as loaded_at,
        arg_max(ingest_run.run_id, ingest_run.finished_at) as run_id
    from meta.ingest_run as ingest_run
    where ingest_run.status = 'loaded'
    group by ingest_run.source
)

select
    source.name as source,
    source.system,
    source.role,
    last_run.run_id,
    c360_rfc3339(last_run.loaded_at) as loaded_at
from core.source as source
left join last_run on source.name = last_run.source
