-- One wide row per golden customer: identity, terms, balances, revenue, pipeline,
-- relationship (activities, tickets, quotes, payment behaviour), alerts.
-- Parameters: $as_of, $include_pipeline.
create or replace table mart.customer_360 as
with
customer as (
    select * from core.customer
),

balance as (
    select * from core.customer_balance
),

open_order as (
    select
        sales_order.customer_id,
        sum(coalesce(sales_order.amount_incl_tax, sales_order.amount_excl_tax))
            as open_orders_amount
    from core.sales_order as sales_order
    where sales_order.customer_id is not null
        and sales_order.status in ('confirmed', 'shipped', 'delivered')
        and not exists (
            select 1
            from core.invoice as invoice
            where invoice.customer_id = sales_order.customer_id
                and invoice.order_ref = sales_order.order_number
        )
    group by sales_order.customer_id
),

revenue as (
    select
        revenue_line.customer_id,
        sum(revenue_line.revenue_amount) filter (
            where revenue_line.issue_date between date_trunc('year', $as_of::date) and $as_of
        ) as revenue_ytd_amount,
        sum(revenue_line.revenue_amount) filter (
            where year(revenue_line.issue_date) = year($as_of::date) - 1
        ) as revenue_last_year_amount,
        sum(revenue_line.revenue_amount) as revenue_total_amount,
        max(revenue_line.issue_date) as last_invoice_date
    from core.revenue_line as revenue_line
    group by revenue_line.customer_id
),

pipeline as (
    select
        opportunity.customer_id,
        sum(opportunity.amount) as open_pipeline_amount,
        sum(opportunity.amount * coalesce(opportunity.probability, 0)) as weighted_pipeline_amount
    from core.opportunity as opportunity
    where opportunity.customer_id is not null
        and opportunity.status = 'open'
    group by opportunity.customer_id
),

last_order as (
    select
        sales_order.customer_id,
        max(sales_order.order_date) as last_order_date
    from core.sales_order as sales_order
    where sales_order.customer_id is not null
    group by sales_order.customer_id
),

relationship as (
    select * from core.customer_relationship
),

alert as (
    select
        alert.customer_id,
        count(*) as alert_count
    from mart.alert as alert
    where alert.customer_id is not null
    group by alert.customer_id
),

sources as (
    select
        customer_xref.customer_id,
        count(distinct customer_xref.source) as source_count,
        bool_or(customer_xref.role = 'crm') as has_crm,
        bool_or(customer_xref.role = 'erp') as has_erp,
        bool_or(customer_xref.role = 'accounting') as has_accounting
    from core.customer_xref as customer_xref
    group by customer_xref.customer_id
),

amounts as (
    select
        customer.*,
        coalesce(balance.outstanding_amount, 0) as outstanding,
        coalesce(open_order.open_orders_amount, 0) as open_orders,
        coalesce(pipeline.weighted_pipeline_amount, 0) as weighted_pipeline
    from customer
    left join balance
        on balance.customer_id = customer.customer_id
    left join open_order
        on open_order.customer_id = customer.customer_id
    left join pipeline
        on pipeline.customer_id = customer.customer_id
),

final as (
    select
        amounts.customer_id,
        amounts.name,
        amounts.siren,
        amounts.siret,
        amounts.vat_number,
        amounts.customer_code,
        amounts.email,
        amounts.phone,
        amounts.website,
        amounts.street,
        amounts.postcode,
        amounts.city,
        amounts.country,
        amounts.segment,
        amounts.owner,
        amounts.lifecycle_stage,
        amounts.payment_terms_days,
        amounts.credit_limit_amount::decimal(18,2) as credit_limit_amount,
        amounts.currency,
        amounts.outstanding::decimal(18,2) as outstanding_amount,
        coalesce(balance.overdue_amount, 0)::decimal(18,2) as overdue_amount,
        coalesce(balance.unallocated_cash_amount, 0)::decimal(18,2) as unallocated_cash_amount,
        coalesce(balance.credit_balance_amount, 0)::decimal(18,2) as credit_balance_amount,
        balance.oldest_overdue_days,
        coalesce(balance.aging_not_due_amount, 0)::decimal(18,2) as aging_not_due_amount,
        coalesce(balance.aging_1_30_amount, 0)::decimal(18,2) as aging_1_30_amount,
        coalesce(balance.aging_31_60_amount, 0)::decimal(18,2) as aging_31_60_amount,
        coalesce(balance.aging_61_90_amount, 0)::decimal(18,2) as aging_61_90_amount,
        coalesce(balance.aging_over_90_amount, 0)::decimal(18,2) as aging_over_90_amount,
        case
            when amounts.credit_limit_amount > 0
                then least(amounts.outstanding / amounts.credit_limit_amount, 99999)::decimal(9,4)
        end as credit_utilisation,
        amounts.open_orders::decimal(18,2) as open_orders_amount,
        (
            amounts.outstanding + amounts.open_orders
            + case when $include_pipeline then amounts.weighted_pipeline else 0 end
        )::decimal(18,2) as credit_exposure_amount,
        coalesce(revenue.revenue_ytd_amount, 0)::decimal(18,2) as revenue_ytd_amount,
        coalesce(revenue.revenue_last_year_amount, 0)::decimal(18,2) as revenue_last_year_amount,
        coalesce(revenue.revenue_total_amount, 0)::decimal(18,2) as revenue_total_amount,
        coalesce(pipeline.open_pipeline_amount, 0)::decimal(18,2) as open_pipeline_amount,
        amounts.weighted_pipeline::decimal(18,2) as weighted_pipeline_amount,
        last_order.last_order_date,
        revenue.last_invoice_date,
        relationship.last_activity_date,
        relationship.last_activity_kind,
        relationship.last_activity_subject,
        relationship.next_activity_date,
        relationship.next_activity_kind,
        relationship.next_activity_subject,
        coalesce(relationship.open_ticket_count, 0) as open_ticket_count,
        relationship.oldest_open_ticket_date,
        relationship.open_ticket_top_priority,
        coalesce(relationship.open_quote_count, 0) as open_quote_count,
        coalesce(relationship.open_quotes_amount, 0)::decimal(18,2) as open_quotes_amount,
        relationship.oldest_open_quote_days,
        coalesce(relationship.paid_invoice_count_12m, 0) as paid_invoice_count_12m,
        relationship.median_days_to_pay_12m,
        relationship.on_time_rate_12m,
        relationship.last_payment_date,
        relationship.median_days_to_pay_prev_12m,
        relationship.on_time_rate_prev_12m,
        relationship.days_to_pay_trend,
        relationship.last_purchase_date,
        relationship.top_product,
        coalesce(alert.alert_count, 0) as alert_count,
        sources.source_count,
        sources.has_crm,
        sources.has_erp,
        sources.has_accounting,
        amounts.is_customer,
        balance.balance_basis,
        amounts.first_seen_build,
        amounts.updated_at
    from amounts
    left join balance
        on balance.customer_id = amounts.customer_id
    left join revenue
        on revenue.customer_id = amounts.customer_id
    left join pipeline
        on pipeline.customer_id = amounts.customer_id
    left join last_order
        on last_order.customer_id = amounts.customer_id
    left join relationship
        on relationship.customer_id = amounts.customer_id
    left join alert
        on alert.customer_id = amounts.customer_id
    left join sources
        on sources.customer_id = amounts.customer_id
    order by amounts.customer_id
)

select * from final
