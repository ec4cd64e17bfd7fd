-- Monthly KPIs by segment and owner. DSO and overdue share are measured at the as-of
-- date, so they are filled on the as-of month only. Overdue share = overdue ÷ what the
-- customers who owe us owe (Σ max(outstanding, 0)). Parameters: $as_of.
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

receivable_now as (
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

grain as (
    select segment, owner, month from revenue_month
    union
    select segment, owner, month from opportunity_month
    union
    select segment, owner, month from receivable_now
),

final as (
    select
        grain.month,
        grain.segment,
        grain.owner,
        coalesce(revenue_month.revenue_amount, 0)::decimal(18,2) as revenue_amount,
        coalesce(revenue_month.credit_note_amount, 0)::decimal(18,2) as credit_note_amount,
        coalesce(opportunity_month.pipeline_amount, 0)::decimal(18,2) as pipeline_amount,
        coalesce(opportunity_month.weighted_pipeline_amount, 0)::decimal(18,2)
            as weighted_pipeline_amount,
        coalesce(opportunity_month.won_count, 0) as won_count,
        coalesce(opportunity_month.lost_count, 0) as lost_count,
        case
            when coalesce(opportunity_month.won_count, 0) + coalesce(opportunity_month.lost_count, 0) > 0
                then (
                    opportunity_month.won_count
                    / (opportunity_month.won_count + opportunity_month.lost_count)
                )::decimal(9,4)
        end as win_rate,
        coalesce(revenue_month.active_customers, 0) as active_customers,
        coalesce(revenue_month.new_customers, 0) as new_customers,
        case
            when revenue_90_days.revenue_amount > 0
                then round(receivable_now.outstanding_amount / revenue_90_days.revenue_amount * 90, 1)
                    ::decimal(9,1)
        end as dso_days,
        case
            when receivable_now.owed_amount > 0
                then (receivable_now.overdue_amount / receivable_now.owed_amount)::decimal(9,4)
        end as overdue_share
    from grain
    left join revenue_month
        on revenue_month.segment = grain.segment
        and revenue_month.owner = grain.owner
        and revenue_month.month = grain.month
    left join opportunity_month
        on opportunity_month.segment = grain.segment
        and opportunity_month.owner = grain.owner
        and opportunity_month.month = grain.month
    left join receivable_now
        on receivable_now.segment = grain.segment
        and receivable_now.owner = grain.owner
        and receivable_now.month = grain.month
    left join revenue_90_days
        on revenue_90_days.segment = grain.segment
        and revenue_90_days.owner = grain.owner
        and receivable_now.month is not null
    order by grain.month, grain.segment, grain.owner
)

select * from final
