-- needs: mart.kpi_monthly, mart.balance_history, core.revenue_line, core.customer
-- GET /kpis/summary `months`: KPIs month by month up to the as-of month, for every scope
-- (`scope` '' = all segments, else one segment): a period is then a range of these rows.
-- DSO and overdue share come from the balance history: the last build of each month,
-- DSO = outstanding ÷ the 90 days' revenue before it × 90.
create or replace table serving.kpi_summary_month as
with
as_of as (
    select max(h.build_date) as as_of from mart.balance_history as h
),

customer as (
    select c.customer_id, '' as scope from core.customer as c
    union all
    select c.customer_id, coalesce(c.segment, '(none)') from core.customer as c
),

kpi_row as (
    select '' as scope, k.* from mart.kpi_monthly as k
    union all
    select k.segment, k.* from mart.kpi_monthly as k
),

kpi as (
    select
        k.scope,
        k.month,
        sum(k.revenue_amount) as revenue_amount,
        sum(k.credit_note_amount) as credit_note_amount,
        sum(k.pipeline_amount) as pipeline_amount,
        sum(k.weighted_pipeline_amount) as weighted_pipeline_amount,
        sum(k.won_count) as won_count,
        sum(k.lost_count) as lost_count,
        sum(k.active_customers) as active_customers,
        sum(k.new_customers) as new_customers
    from kpi_row as k, as_of
    where k.month <= date_trunc('month', as_of.as_of::date)
    group by k.scope, k.month
),

balance_day as (
    select
        customer.scope,
        h.build_date,
        sum(h.outstanding_amount) as outstanding_amount,
        sum(greatest(h.outstanding_amount, 0)) as owed_amount,
        sum(h.overdue_amount) as overdue_amount
    from mart.balance_history as h
    inner join customer on customer.customer_id = h.customer_id
    cross join as_of
    where h.build_date <= as_of.as_of
    group by customer.scope, h.build_date
),

balance_month as (
    select date_trunc('month', b.build_date)::date as month, b.*
    from balance_day as b
    qualify row_number() over (
        partition by b.scope, date_trunc('month', b.build_date) order by b.build_date desc
    ) = 1
),

revenue_90_days as (
    select b.scope, b.month, sum(r.revenue_amount) as revenue_amount
    from balance_month as b
    inner join core.revenue_line as r
        on r.issue_date > b.build_date - 90
        and r.issue_date <= b.build_date
    inner join customer on customer.customer_id = r.customer_id and customer.scope = b.scope
    group by b.scope, b.month
),

months as (
    select scope, month from kpi
    union
    select scope, month from balance_month
),

final as (
    select
        m.scope,
        m.month,
        coalesce(kpi.revenue_amount, 0)::decimal(18, 2) as revenue_amount,
        coalesce(kpi.credit_note_amount, 0)::decimal(18, 2) as credit_note_amount,
        coalesce(kpi.pipeline_amount, 0)::decimal(18, 2) as pipeline_amount,
        coalesce(kpi.weighted_pipeline_amount, 0)::decimal(18, 2) as weighted_pipeline_amount,
        coalesce(kpi.won_count, 0)::bigint as won_count,
        coalesce(kpi.lost_count, 0)::bigint as lost_count,
        c360_share(kpi.won_count, kpi.lost_count) as win_rate,
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
    left join kpi on kpi.scope = m.scope and kpi.month = m.month
    left join balance_month as b on b.scope = m.scope and b.month = m.month
    left join revenue_90_days as r on r.scope = m.scope and r.month = m.month
)

-- The document keeps `scope` too (an extra key the API's model ignores).
select
    f.scope,
    strftime(f.month, '%Y-%m-%d') as month,
    to_json(f)::varchar as doc
from final as f
