-- One row per golden customer with any activity, ticket, quote or settled invoice: when we
-- last talked and what comes next, what is open, how the customer pays.
-- Parameters: $as_of.
--   last activity: the latest done call, e-mail or task, or meeting held before $as_of
--     (not cancelled); notes are not contacts with the customer.
--   next activity: the earliest open task, call or e-mail (overdue ones included), or
--     meeting from $as_of on (not cancelled).
--   open tickets and quotes: core.open_ticket, core.open_quote.
--   payment behaviour: invoices settled in the 12 months up to $as_of (core.invoice_payment),
--     and in the 12 months before for the trend (faster / steady / slower: the medians).
--   purchases: the last purchase date and the top product (core.customer_product).
create or replace table core.customer_relationship as
with
-- Each activity is a last one (done, or a meeting held before $as_of), a next one (open,
-- or a meeting from $as_of on) or neither (notes, cancelled meetings, a call not done).
activity as (
    select
        activity.*,
        case
            when activity.kind in ('call', 'email', 'task')
                then case activity.status
                    when 'done' then
                        case when activity.occurred_at < $as_of::date + 1 then 'last' end
                    when 'open' then 'next'
                end
            when activity.kind = 'meeting' and coalesce(activity.status, 'open') <> 'cancelled'
                then case when activity.occurred_at < $as_of::date then 'last' else 'next' end
        end as side
    from core.activity as activity
    where activity.customer_id is not null
        and activity.occurred_at is not null
),

activity_side as (
    select
        activity.customer_id,
        max(activity.occurred_at) filter (where activity.side = 'last') as last_activity_at,
        arg_max(activity.kind, activity.occurred_at) filter (where activity.side = 'last')
            as last_activity_kind,
        arg_max(activity.subject, activity.occurred_at) filter (where activity.side = 'last')
            as last_activity_subject,
        min(activity.occurred_at) filter (where activity.side = 'next') as next_activity_at,
        arg_min(activity.kind, activity.occurred_at) filter (where activity.side = 'next')
            as next_activity_kind,
        arg_min(activity.subject, activity.occurred_at) filter (where activity.side = 'next')
            as next_activity_subject
    from activity
    where activity.side is not null
    group by activity.customer_id
),

open_ticket as (
    select
        open_ticket.customer_id,
        count(*) as open_ticket_count,
        min(open_ticket.opened_at) as oldest_open_ticket_at,
        arg_max(open_ticket.priority, open_ticket.priority_rank) as top_priority
    from core.open_ticket as open_ticket
    group by open_ticket.customer_id
),

open_quote as (
    select
        open_quote.customer_id,
        count(*) as open_quote_count,
        sum(open_quote.amount) as open_quotes_amount,
        max(open_quote.age_days) as oldest_open_quote_days
    from core.open_quote as open_quote
    group by open_quote.customer_id
),

payment_behaviour as (
    select
        paid.customer_id,
        count(*) filter (where paid.recent) as paid_invoice_count_12m,
        median(paid.days_to_pay) filter (where paid.recent) as median_days_to_pay_12m,
        avg(case when paid.paid_on_time then 1.0 else 0.0 end)
            filter (where paid.recent and paid.paid_on_time is not null) as on_time_rate_12m,
        median(paid.days_to_pay) filter (where not paid.recent) as median_days_to_pay_prev_12m,
        avg(case when paid.paid_on_time then 1.0 else 0.0 end)
            filter (where not paid.recent and paid.paid_on_time is not null)
            as on_time_rate_prev_12m,
        max(paid.paid_date) filter (where paid.recent) as last_payment_date
    from (
        select
            invoice_payment.*,
            invoice_payment.paid_date > $as_of::date - interval 12 month as recent
        from core.invoice_payment as invoice_payment
        where invoice_payment.paid_date > $as_of::date - interval 24 month
            and invoice_payment.paid_date <= $as_of::date
    ) as paid
    group by paid.customer_id
),

purchase as (
    select
        customer_product.customer_id,
        max(customer_product.last_purchase_date) as last_purchase_date,
        arg_min(customer_product.product_name, customer_product.product_rank) as top_product
    from core.customer_product as customer_product
    group by customer_product.customer_id
),

customer as (
    select customer_id from activity_side
    union
    select customer_id from open_ticket
    union
    select customer_id from open_quote
    union
    select customer_id from payment_behaviour
    union
    select customer_id from purchase
),

final as (
    select
        customer.customer_id,
        activity_side.last_activity_at::date as last_activity_date,
        activity_side.last_activity_kind,
        activity_side.last_activity_subject,
        activity_side.next_activity_at::date as next_activity_date,
        activity_side.next_activity_kind,
        activity_side.next_activity_subject,
        coalesce(open_ticket.open_ticket_count, 0) as open_ticket_count,
        open_ticket.oldest_open_ticket_at::date as oldest_open_ticket_date,
        open_ticket.top_priority as open_ticket_top_priority,
        coalesce(open_quote.open_quote_count, 0) as open_quote_count,
        coalesce(open_quote.open_quotes_amount, 0)::decimal(18,2) as open_quotes_amount,
        open_quote.oldest_open_quote_days,
        coalesce(payment_behaviour.paid_invoice_count_12m, 0) as paid_invoice_count_12m,
        payment_behaviour.median_days_to_pay_12m::decimal(9,1) as median_days_to_pay_12m,
        payment_behaviour.on_time_rate_12m::decimal(5,4) as on_time_rate_12m,
        payment_behaviour.last_payment_date,
        payment_behaviour.median_days_to_pay_prev_12m::decimal(9,1) as median_days_to_pay_prev_12m,
        payment_behaviour.on_time_rate_prev_12m::decimal(5,4) as on_time_rate_prev_12m,
        -- Half a week either way is noise: the trend names a change of at least 3 days.
        case
            when payment_behaviour.median_days_to_pay_12m
                - payment_behaviour.median_days_to_pay_prev_12m <= -3 then 'faster'
            when payment_behaviour.median_days_to_pay_12m
                - payment_behaviour.median_days_to_pay_prev_12m >= 3 then 'slower'
            when payment_behaviour.median_days_to_pay_12m is not null
                and payment_behaviour.median_days_to_pay_prev_12m is not null then 'steady'
        end as days_to_pay_trend,
        purchase.last_purchase_date,
        purchase.top_product
    from customer
    left join activity_side
        on activity_side.customer_id = customer.customer_id
    left join open_ticket
        on open_ticket.customer_id = customer.customer_id
    left join open_quote
        on open_quote.customer_id = customer.customer_id
    left join payment_behaviour
        on payment_behaviour.customer_id = customer.customer_id
    left join purchase
        on purchase.customer_id = customer.customer_id
)

select * from final
order by final.customer_id
