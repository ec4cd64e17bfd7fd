-- needs: core.customer_xref
insert into serving.quality_part
with linked as (
    select
        x.source,
        count(distinct x.source) over (partition by x.customer_id) as source_count
    from core.customer_xref as x
),

rate as (
    select
        linked.source,
        count(*) as records,
        count(*) filter (where linked.source_count > 1) as matched,
        count(*) filter (where linked.source_count = 1) as unmatched
    from linked
    group by linked.source
)

select 'match_rates', coalesce(to_json(list(rate order by rate.source)), '[]')::varchar
from rate
