-- needs: mart.kpi_monthly, mart.balance_history, core.quote_outcome
-- GET /kpis/summary `relationship.segments`: running totals by segment of the counts
-- behind payment behaviour and quote conversion, at every month up to the as-of month
-- (dense: every segment at every month). A period's figures are the difference of two
-- rows per segment (at its last month, and before its first); the API divides.
create or replace table serving.kpi_relationship_total as
with
as_of as (
    select max(h.build_date) as as_of from mart.balance_history as h
),

per_month as (
    select
        k.segment,
        k.month,
        sum(k.paid_invoice_count) as paid_invoice_count,
        sum(k.days_to_pay_total) as days_to_pay_total,
        sum(k.paid_on_time_count) as paid_on_time_count,
        sum(k.quotes_issued_count) as quotes_issued_count,
        sum(k.quotes_won_count) as quotes_won_count,
        sum(k.quotes_lost_count) as quotes_lost_count
    from mart.kpi_monthly as k, as_of
    where k.month <= date_trunc('month', as_of.as_of::date)
    group by k.segment, k.month
),

grid as (
    select s.segment, m.month
    from (select distinct segment from per_month) as s
    cross join (select distinct month from per_month) as m
),

running as (
    select
        g.segment,
        g.month,
        sum(coalesce(p.paid_invoice_count, 0)) over w as paid_invoice_count,
        sum(coalesce(p.days_to_pay_total, 0)) over w as days_to_pay_total,
        sum(coalesce(p.paid_on_time_count, 0)) over w as paid_on_time_count,
        sum(coalesce(p.quotes_issued_count, 0)) over w as quotes_issued_count,
        sum(coalesce(p.quotes_won_count, 0)) over w as quotes_won_count,
        sum(coalesce(p.quotes_lost_count, 0)) over w as quotes_lost_count
    from grid as g
    left join per_month as p
        on p.segment is not distinct from g.segment and p.month = g.month
    window w as (
        partition by g.segment order by g.month
        rows between unbounded preceding and current row
    )
)

select
    strftime(r.month, '%Y-%m-%d') as month,
    to_json({
        'segment': r.segment,
        'paid_invoice_count': r.paid_invoice_count::bigint,
        'days_to_pay_total': r.days_to_pay_total,
        'paid_on_time_count': r.paid_on_time_count::bigint,
        'quotes_issued_count': r.quotes_issued_count::bigint,
        'quotes_won_count': r.quotes_won_count::bigint,
        'quotes_lost_count': r.quotes_lost_count::bigint
    })::varchar as doc
from running as r
