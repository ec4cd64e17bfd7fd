-- needs: mart.kpi_monthly, mart.balance_history, core.quote_outcome
-- GET /kpis/summary `relationship.months`: quotes issued and their conversion, tickets
-- opened and closed, invoices settled and their average days-to-pay (total ÷ count),
-- month by month up to the as-of month, for every scope (`scope` '' = all segments, else
-- one segment); months without any of them are left out. A period is a range of rows.
-- core.quote_outcome marks a snapshot built with the relationship KPIs.
create or replace table serving.kpi_relationship_month as
with
as_of as (
    select max(h.build_date) as as_of from mart.balance_history as h
),

kpi_row as (
    select '' as scope, k.* from mart.kpi_monthly as k
    union all
    select k.segment, k.* from mart.kpi_monthly as k
),

final as (
    select
        k.scope,
        k.month,
        sum(k.quotes_issued_count)::bigint as quotes_issued_count,
        sum(k.quotes_won_count)::bigint as quotes_won_count,
        sum(k.quotes_lost_count)::bigint as quotes_lost_count,
        c360_share(sum(k.quotes_won_count), sum(k.quotes_lost_count)) as quote_conversion_rate,
        sum(k.tickets_opened_count)::bigint as tickets_opened_count,
        sum(k.tickets_closed_count)::bigint as tickets_closed_count,
        sum(k.paid_invoice_count)::bigint as paid_invoice_count,
        case
            when sum(k.paid_invoice_count) > 0
                then round(
                    sum(k.days_to_pay_total) / sum(k.paid_invoice_count), 1
                )::decimal(9, 1)
        end as avg_days_to_pay
    from kpi_row as k, as_of
    where k.month <= date_trunc('month', as_of.as_of::date)
    group by k.scope, k.month
    having
        sum(k.quotes_issued_count) + sum(k.tickets_opened_count)
        + sum(k.tickets_closed_count) + sum(k.paid_invoice_count) > 0
)

select
    f.scope,
    strftime(f.month, '%Y-%m-%d') as month,
    to_json(f)::varchar as doc
from final as f
