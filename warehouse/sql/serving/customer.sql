-- needs: mart.customer_360
-- The whole profile document of each customer: its customer_360 row with its alerts,
-- source records, conflicts and provenance, read by the API with one lookup by id.
-- Runs after the serving.customer_* lists it folds in.
-- Lists are joined as JSON text (not parsed), so every amount keeps its exact decimals.
create or replace table serving.customer as
with
alert as (
    select customer_id, '[' || string_agg(doc, ',' order by seq) || ']' as alerts
    from serving.customer_alert group by customer_id
),

source as (
    select customer_id, '[' || string_agg(doc, ',' order by seq) || ']' as sources
    from serving.customer_source group by customer_id
),

conflict as (
    select customer_id, '[' || string_agg(doc, ',' order by seq) || ']' as conflicts
    from serving.customer_conflict group by customer_id
),

provenance as (
    select customer_id, '[' || string_agg(doc, ',' order by seq) || ']' as provenance
    from serving.customer_provenance group by customer_id
)

select
    c.customer_id,
    c.owner,
    rtrim(to_json(c)::varchar, '}')
    || ',"alerts":' || coalesce(alert.alerts, '[]')
    || ',"sources":' || coalesce(source.sources, '[]')
    || ',"conflicts":' || coalesce(conflict.conflicts, '[]')
    || ',"provenance":' || coalesce(provenance.provenance, '[]')
    || '}' as doc
from (
    select * replace (c360_rfc3339(updated_at) as updated_at) from mart.customer_360
) as c
left join alert on c.customer_id = alert.customer_id
left join source on c.customer_id = source.customer_id
left join conflict on c.customer_id = conflict.customer_id
left join provenance on c.customer_id = provenance.customer_id
where c.customer_id is not null
