-- Monthly KPIs by segment and owner. DSO and overdue share are measured at the as-of
-- date, so they are filled on the as-of month only. Overdue share = overdue ÷ what the
-- customers who owe us owe (Σ max(outstanding, 0)). Parameters: $as_of.
-- Relationship KPIs (docs/contracts.md): quotes by issue month with their outcome
-- (core.quote_outcome), conversion = ordered or accepted ÷ decided (ordered, accepted,
-- refused, expired); the open quotes and their age on the as-of month; tickets opened and
-- closed by month; invoices settled by month with their days-to-pay (the total and the
-- count travel so that any grouping averages exactly).
create or replace table mart.kpi_monthly as
with
customer as (
    select
        customer.customer_id,
        coalesce(customer.segment, '(none)') as segment,
        coalesce(customer.owner, '(none)') as owner
    from core.customer as customer
),

revenue as (
    select
        revenue_line.customer_id,
        date_trunc('month', revenue_line.issue_date)::date as month,
        revenue_line.kind,
        revenue_line.revenue_amount
    from core.revenue_line as revenue_line
    where revenue_line.issue_date <= $as_of
),

first_invoice as (
    select
        revenue.customer_id,
        min(revenue.month) as month
    from revenue
    where revenue.kind <> 'credit_note'
    group by revenue.customer_id
),

revenue_month as (
    select
        customer.segment,
        customer.owner,
        revenue.month,
        sum(revenue.revenue_amount) as revenue_amount,
        -sum(revenue.revenue_amount) filter (where revenue.kind = 'credit_note') as credit_note_amount,
        count(distinct revenue.customer_id) filter (where revenue.kind <> 'credit_note')
            as active_customers,
        count(distinct revenue.customer_id) filter (
            where first_invoice.month = revenue.month
        ) as new_customers
    from revenue
    inner join customer
        on customer.customer_id = revenue.customer_id
    left join first_invoice
        on first_invoice.customer_id = revenue.customer_id
    group by all
),

opportunity_month as (
    select
        customer.segment,
        customer.owner,
        date_trunc('month', opportunity.close_date)::date as month,
        sum(opportunity.amount) filter (where opportunity.status = 'open') as pipeline_amount,
        sum(opportunity.amount * coalesce(opportunity.probability, 0))
            filter (where opportunity.status = 'open') as weighted_pipeline_amount,
        count(*) filter (where opportunity.status = 'won') as won_count,
        count(*) filter (where opportunity.status = 'lost') as lost_count
    from core.opportunity as opportunity
    inner join customer
        on customer.customer_id = opportunity.customer_id
    where opportunity.close_date is not null
    group by all
),

balance_now as (
    select
        customer.segment,
        customer.owner,
        date_trunc('month', $as_of::date)::date as month,
        sum(balance.outstanding_amount) as outstanding_amount,
        -- What customers owe, without the credit balances of customers in credit: the
        -- overdue share then stays within 0..1 (each overdue ≤ max(outstanding, 0)).
        sum(greatest(balance.outstanding_amount, 0)) as owed_amount,
        sum(balance.overdue_amount) as overdue_amount
    from core.customer_balance as balance
    inner join customer
        on customer.customer_id = balance.customer_id
    group by all
),

revenue_90_days as (
    select
        customer.segment,
        customer.owner,
        sum(revenue_line.revenue_amount) as revenue_amount
    from core.revenue_line as revenue_line
    inner join customer
        on customer.customer_id = revenue_line.customer_id
    where revenue_line.issue_date > $as_of::date - 90
        and revenue_line.issue_date <= $as_of
    group by all
),

-- The as-of month's balances with the 90 days' revenue of the same group (DSO).
receivable_now as (
    select
        balance_now.*,
        revenue_90_days.revenue_amount as revenue_90_days_amount
    from balance_now
    left join revenue_90_days
        on revenue_90_days.segment = balance_now.segment
        and revenue_90_days.owner = balance_now.owner
),

quote_month as (
    select
        customer.segment,
        customer.owner,
        date_trunc('month', quote.issue_date)::date as month,
        count(*) as quotes_issued_count,
        count(*) filter (where quote.outcome in ('ordered', 'accepted')) as quotes_won_count,
        count(*) filter (where quote.outcome in ('refused', 'expired')) as quotes_lost_count
    from core.quote_outcome as quote
    inner join customer
        on customer.customer_id = quote.customer_id
    where quote.issue_date <= $as_of
    group by all
),

open_quote_now as (
    select
        customer.segment,
        customer.owner,
        date_trunc('month', $as_of::date)::date as month,
        count(*) as open_quote_count,
        sum(open_quote.amount) as open_quote_amount,
        sum(open_quote.age_days) as open_quote_age_days_total,
        count(*) filter (where open_quote.age_days > 30) as open_quote_over_30_days_count
    from core.open_quote as open_quote
    inner join customer
        on customer.customer_id = open_quote.customer_id
    group by all
),

ticket_event as (
    select
        ticket.customer_id,
        date_trunc('month', ticket.opened_at)::date as month,
        1 as opened,
        0 as closed
    from core.ticket as ticket
    where ticket.opened_at < $as_of::date + 1
    union all
    select ticket.customer_id, date_trunc('month', ticket.closed_at)::date, 0, 1
    from core.ticket as ticket
    where ticket.closed_at < $as_of::date + 1
        and coalesce(ticket.status, 'closed') = 'closed'
),

ticket_month as (
    select
        customer.segment,
        customer.owner,
        ticket_event.month,
        sum(ticket_event.opened) as tickets_opened_count,
        sum(ticket_event.closed) as tickets_closed_count
    from ticket_event
    inner join customer
        on customer.customer_id = ticket_event.customer_id
    group by all
),

payment_month as (
    select
        customer.segment,
        customer.owner,
        date_trunc('month', paid.paid_date)::date as month,
        count(*) as paid_invoice_count,
        sum(paid.days_to_pay) as days_to_pay_total,
        count(*) filter (where paid.paid_on_time) as paid_on_time_count
    from core.invoice_payment as paid
    inner join customer
        on customer.customer_id = paid.customer_id
    where paid.paid_date <= $as_of
    group by all
),

-- Every measure CTE holds one row per (segment, owner, month) and names its own columns:
-- stacked by name and grouped, they stand side by side on every month any of them has.
measure as (
    select
        segment,
        owner,
        month,
        max(columns(* exclude (segment, owner, month)))
    from (
        from revenue_month
        union all by name from opportunity_month
        union all by name from receivable_now
        union all by name from quote_month
        union all by name from open_quote_now
        union all by name from ticket_month
        union all by name from payment_month
    )
    group by segment, owner, month
),

final as (
    select
        measure.month,
        measure.segment,
        measure.owner,
        coalesce(measure.revenue_amount, 0)::decimal(18,2) as revenue_amount,
        coalesce(measure.credit_note_amount, 0)::decimal(18,2) as credit_note_amount,
        coalesce(measure.pipeline_amount, 0)::decimal(18,2) as pipeline_amount,
        coalesce(measure.weighted_pipeline_amount, 0)::decimal(18,2)
            as weighted_pipeline_amount,
        coalesce(measure.won_count, 0) as won_count,
        coalesce(measure.lost_count, 0) as lost_count,
        c360_share(measure.won_count, measure.lost_count) as win_rate,
        coalesce(measure.active_customers, 0) as active_customers,
        coalesce(measure.new_customers, 0) as new_customers,
        case
            when measure.revenue_90_days_amount > 0
                then round(measure.outstanding_amount / measure.revenue_90_days_amount * 90, 1)
                    ::decimal(9,1)
        end as dso_days,
        case
            when measure.owed_amount > 0
                then (measure.overdue_amount / measure.owed_amount)::decimal(9,4)
        end as overdue_share,
        coalesce(measure.quotes_issued_count, 0) as quotes_issued_count,
        coalesce(measure.quotes_won_count, 0) as quotes_won_count,
        coalesce(measure.quotes_lost_count, 0) as quotes_lost_count,
        c360_share(measure.quotes_won_count, measure.quotes_lost_count) as quote_conversion_rate,
        coalesce(measure.open_quote_count, 0) as open_quote_count,
        coalesce(measure.open_quote_amount, 0)::decimal(18,2) as open_quote_amount,
        coalesce(measure.open_quote_age_days_total, 0) as open_quote_age_days_total,
        coalesce(measure.open_quote_over_30_days_count, 0) as open_quote_over_30_days_count,
        coalesce(measure.tickets_opened_count, 0) as tickets_opened_count,
        coalesce(measure.tickets_closed_count, 0) as tickets_closed_count,
        coalesce(measure.paid_invoice_count, 0) as paid_invoice_count,
        coalesce(measure.days_to_pay_total, 0) as days_to_pay_total,
        coalesce(measure.paid_on_time_count, 0) as paid_on_time_count,
        case
            when measure.paid_invoice_count > 0
                then round(measure.days_to_pay_total / measure.paid_invoice_count, 1)
                    ::decimal(9,1)
        end as avg_days_to_pay
    from measure
    order by measure.month, measure.segment, measure.owner
)

select * from final
