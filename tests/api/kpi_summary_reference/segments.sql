-- KPI totals of a period by segment: the 8 largest by revenue, the rest as '(others)'.
-- Parameters: $date_from, $date_to, $as_of.
with
per_segment as (
    select
        k.segment,
        sum(k.revenue_amount) as revenue_amount,
        sum(k.credit_note_amount) as credit_note_amount,
        sum(k.pipeline_amount) as pipeline_amount,
        sum(k.won_count) as won_count,
        sum(k.lost_count) as lost_count,
        sum(k.new_customers) as new_customers
    from mart.kpi_monthly as k
    where
        ($date_from is null or k.month >= $date_from)
        and ($date_to is null or k.month <= $date_to)
        and k.month <= date_trunc('month', $as_of::date)
    group by k.segment
),

ranked as (
    select
        p.*,
        row_number() over (order by p.revenue_amount desc, p.segment) as rank
    from per_segment as p
)

select
    case when r.rank <= 8 then r.segment else '(others)' end as segment,
    sum(r.revenue_amount)::decimal(18, 2) as revenue_amount,
    sum(r.credit_note_amount)::decimal(18, 2) as credit_note_amount,
    sum(r.pipeline_amount)::decimal(18, 2) as pipeline_amount,
    sum(r.won_count)::bigint as won_count,
    sum(r.lost_count)::bigint as lost_count,
    sum(r.new_customers)::bigint as new_customers,
    min(r.rank) as rank
from ranked as r
group by 1
order by rank
