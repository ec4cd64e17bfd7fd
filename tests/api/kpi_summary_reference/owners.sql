-- KPI totals of a period by owner (salesperson). Parameters: $date_from, $date_to,
-- $segment, $as_of.
select
    k.owner,
    sum(k.revenue_amount)::decimal(18, 2) as revenue_amount,
    sum(k.credit_note_amount)::decimal(18, 2) as credit_note_amount,
    sum(k.pipeline_amount)::decimal(18, 2) as pipeline_amount,
    sum(k.won_count)::bigint as won_count,
    sum(k.lost_count)::bigint as lost_count,
    case
        when sum(k.won_count) + sum(k.lost_count) > 0
            then (sum(k.won_count) / (sum(k.won_count) + sum(k.lost_count)))::decimal(9, 4)
    end as win_rate,
    sum(k.new_customers)::bigint as new_customers
from mart.kpi_monthly as k
where
    ($date_from is null or k.month >= $date_from)
    and ($date_to is null or k.month <= $date_to)
    and k.month <= date_trunc('month', $as_of::date)
    and ($segment is null or k.segment = $segment)
group by k.owner
order by revenue_amount desc, k.owner
