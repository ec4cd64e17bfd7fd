-- KPIs month by month for a period, totalled over segments and owners (or one segment),
-- never after the as-of month. DSO and overdue share come from the balance history: the
-- last build of each month, DSO = outstanding ÷ the 90 days' revenue before it × 90.
-- Parameters: $date_from, $date_to (first days of months, or null), $segment, $as_of.
with
customer as (
    select c.customer_id, coalesce(c.segment, '(none)') as segment
    from core.customer as c
    where $segment is null or coalesce(c.segment, '(none)') = $segment
),

kpi as (
    select
        k.month,
        sum(k.revenue_amount) as revenue_amount,
        sum(k.credit_note_amount) as credit_note_amount,
        sum(k.pipeline_amount) as pipeline_amount,
        sum(k.weighted_pipeline_amount) as weighted_pipeline_amount,
        sum(k.won_count) as won_count,
        sum(k.lost_count) as lost_count,
        sum(k.active_customers) as active_customers,
        sum(k.new_customers) as new_customers
    from mart.kpi_monthly as k
    where
        ($date_from is null or k.month >= $date_from)
        and ($date_to is null or k.month <= $date_to)
        and k.month <= date_trunc('month', $as_of::date)
        and ($segment is null or k.segment = $segment)
    group by k.month
),

balance_day as (
    select
        h.build_date,
        sum(h.outstanding_amount) as outstanding_amount,
        sum(greatest(h.outstanding_amount, 0)) as owed_amount,
        sum(h.overdue_amount) as overdue_amount
    from mart.balance_history as h
    inner join customer on customer.customer_id = h.customer_id
    where h.build_date <= $as_of
    group by h.build_date
),

balance_month as (
    select date_trunc('month', b.build_date)::date as month, b.*
    from balance_day as b
    qualify row_number() over (
        partition by date_trunc('month', b.build_date) order by b.build_date desc
    ) = 1
),

revenue_90_days as (
    select b.month, sum(r.revenue_amount) as revenue_amount
    from balance_month as b
    inner join core.revenue_line as r
        on r.issue_date > b.build_date - 90
        and r.issue_date <= b.build_date
    inner join customer on customer.customer_id = r.customer_id
    group by b.month
),

months as (
    select month from kpi
    union
    select month from balance_month
    where
        ($date_from is null or month >= $date_from)
        and ($date_to is null or month <= $date_to)
)

select
    m.month,
    coalesce(kpi.revenue_amount, 0)::decimal(18, 2) as revenue_amount,
    coalesce(kpi.credit_note_amount, 0)::decimal(18, 2) as credit_note_amount,
    coalesce(kpi.pipeline_amount, 0)::decimal(18, 2) as pipeline_amount,
    coalesce(kpi.weighted_pipeline_amount, 0)::decimal(18, 2) as weighted_pipeline_amount,
    coalesce(kpi.won_count, 0)::bigint as won_count,
    coalesce(kpi.lost_count, 0)::bigint as lost_count,
    case
        when coalesce(kpi.won_count, 0) + coalesce(kpi.lost_count, 0) > 0
            then (kpi.won_count / (kpi.won_count + kpi.lost_count))::decimal(9, 4)
    end as win_rate,
    coalesce(kpi.active_customers, 0)::bigint as active_customers,
    coalesce(kpi.new_customers, 0)::bigint as new_customers,
    case
        when r.revenue_amount > 0
            then round(b.outstanding_amount / r.revenue_amount * 90, 1)::decimal(9, 1)
    end as dso_days,
    case
        when b.owed_amount > 0 then (b.overdue_amount / b.owed_amount)::decimal(9, 4)
    end as overdue_share
from months as m
left join kpi on kpi.month = m.month
left join balance_month as b on b.month = m.month
left join revenue_90_days as r on r.month = m.month
order by m.month
