-- needs: mart.kpi_monthly, mart.balance_history
-- GET /kpis/summary `segments` and `owners`: running totals of mart.kpi_monthly up to each
-- month (months up to the as-of month), by segment, and by owner in every scope (`scope`
-- '' = all segments, else one segment). A period's totals are the difference of two
-- rows per group: at its last month, and before its first (`n` counts the KPI rows, so
-- a group without any in the period is left out).
create or replace table serving.kpi_summary_total as
with
as_of as (
    select max(h.build_date) as as_of from mart.balance_history as h
),

kpi_row as (
    select 'segment' as kind, '' as scope, k.segment as name, k.* from mart.kpi_monthly as k
    union all
    select 'owner', '', k.owner, k.* from mart.kpi_monthly as k
    union all
    select 'owner', k.segment, k.owner, k.* from mart.kpi_monthly as k
),

per_month as (
    select
        k.kind,
        k.scope,
        k.name,
        k.month,
        sum(k.revenue_amount) as revenue_amount,
        sum(k.credit_note_amount) as credit_note_amount,
        sum(k.pipeline_amount) as pipeline_amount,
        sum(k.won_count) as won_count,
        sum(k.lost_count) as lost_count,
        sum(k.new_customers) as new_customers,
        count(*) as n
    from kpi_row as k, as_of
    where k.month <= date_trunc('month', as_of.as_of::date)
    group by k.kind, k.scope, k.name, k.month
),

grid as (
    select g.kind, g.scope, g.name, m.month
    from (select distinct kind, scope, name from per_month) as g
    cross join (select distinct month from per_month) as m
),

running as (
    select
        g.kind,
        g.scope,
        g.month,
        g.name,
        sum(coalesce(p.revenue_amount, 0)) over w as revenue_amount,
        sum(coalesce(p.credit_note_amount, 0)) over w as credit_note_amount,
        sum(coalesce(p.pipeline_amount, 0)) over w as pipeline_amount,
        sum(coalesce(p.won_count, 0)) over w as won_count,
        sum(coalesce(p.lost_count, 0)) over w as lost_count,
        sum(coalesce(p.new_customers, 0)) over w as new_customers,
        sum(coalesce(p.n, 0)) over w as n
    from grid as g
    left join per_month as p
        on
            p.kind = g.kind and p.scope = g.scope and p.name is not distinct from g.name
            and p.month = g.month
    window w as (
        partition by g.kind, g.scope, g.name order by g.month
        rows between unbounded preceding and current row
    )
)

select
    r.kind,
    r.scope,
    strftime(r.month, '%Y-%m-%d') as month,
    to_json({
        'name': r.name,
        'revenue_amount': r.revenue_amount::decimal(18, 2),
        'credit_note_amount': r.credit_note_amount::decimal(18, 2),
        'pipeline_amount': r.pipeline_amount::decimal(18, 2),
        'won_count': r.won_count::bigint,
        'lost_count': r.lost_count::bigint,
        'new_customers': r.new_customers::bigint,
        'n': r.n::bigint
    })::varchar as doc
from running as r
