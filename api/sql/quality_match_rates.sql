with linked as (
    select
        x.source,
        x.customer_id,
        count(distinct x.source) over (partition by x.customer_id) as source_count
    from core.customer_xref as x
)

select
    linked.source,
    count(*) as records,
    count(*) filter (where linked.source_count > 1) as matched,
    count(*) filter (where linked.source_count = 1) as unmatched
from linked
group by linked.source
order by linked.source
