-- needs: mart.alert, mart.customer_360
-- Every alert, most severe first; filters bind owner and alert type, paging reads seq.
create or replace table serving.alert as
with alert as (
    select
        a.customer_id,
        c.name as customer_name,
        a.alert_type,
        a.severity,
        a.message,
        coalesce(a.owner, c.owner) as owner,
        a.amount,
        a.reference,
        a.since,
        a.age_days,
        a.subject,
        case lower(coalesce(a.severity, ''))
            when 'critical' then 0
            when 'high' then 1
            when 'error' then 1
            when 'warning' then 2
            when 'medium' then 2
            when 'low' then 3
            when 'info' then 4
            else 5
        end as severity_rank
    from mart.alert as a
    left join mart.customer_360 as c
        on a.customer_id = c.customer_id
)

select
    row_number() over (
        order by r.severity_rank, r.amount desc nulls last, r.customer_id, r.alert_type
    ) as seq,
    r.owner,
    r.alert_type,
    to_json(r)::varchar as doc
from alert as r
