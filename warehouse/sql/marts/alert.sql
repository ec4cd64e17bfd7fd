-- Alerts for salespeople and finance, one row per finding. `message` is an English
-- sentence for logs and the CRM; people read the alert from its code and parameters
-- (amount, reference, since, age_days, subject: kernel/locale_format.py).
-- Parameters: $built_at (timestamp of the build, for source staleness),
-- $quote_unanswered_days (alerts.quote_unanswered_days).
create or replace table mart.alert as
with
customer as (
    select * from core.customer
),

balance as (
    select * from core.customer_balance
),

open_offer as (
    select opportunity.customer_id
    from core.opportunity as opportunity
    where opportunity.status = 'open'
    union
    select quote.customer_id
    from core.quote as quote
    where quote.status in ('draft', 'sent')
),

overdue_before_offer as (
    select
        customer.customer_id,
        'overdue_before_offer' as alert_type,
        'high' as severity,
        'Overdue ' || balance.overdue_amount::varchar || ' ' || customer.currency
            || ' while an offer is open' as message,
        customer.owner,
        balance.overdue_amount as amount
    from customer
    inner join balance
        on balance.customer_id = customer.customer_id
    where balance.overdue_amount > 0
        and customer.customer_id in (select open_offer.customer_id from open_offer)
),

credit_limit_exceeded as (
    select
        customer.customer_id,
        'credit_limit_exceeded' as alert_type,
        'high' as severity,
        'Outstanding ' || balance.outstanding_amount::varchar || ' exceeds the credit limit of '
            || customer.credit_limit_amount::varchar || ' ' || customer.currency as message,
        customer.owner,
        (balance.outstanding_amount - customer.credit_limit_amount) as amount
    from customer
    inner join balance
        on balance.customer_id = customer.customer_id
    where customer.credit_limit_amount > 0
        and balance.outstanding_amount > customer.credit_limit_amount
),

erp_only_customer as (
    select
        customer.customer_id,
        'erp_only_customer' as alert_type,
        'low' as severity,
        'Customer in the ERP but not in the CRM' as message,
        customer.owner,
        null::decimal(18,2) as amount
    from customer
    where exists (
            select 1 from core.customer_xref as x
            where x.customer_id = customer.customer_id and x.role = 'erp'
        )
        and not exists (
            select 1 from core.customer_xref as x
            where x.customer_id = customer.customer_id and x.role = 'crm'
        )
),

address_conflict as (
    select
        customer.customer_id,
        'address_conflict' as alert_type,
        'medium' as severity,
        'Sources disagree on the address (' || string_agg(conflict.field, ', ' order by conflict.field)
            || ')' as message,
        customer.owner,
        null::decimal(18,2) as amount,
        string_agg(conflict.field, ',' order by conflict.field) as reference
    from customer
    inner join core.customer_conflict as conflict
        on conflict.customer_id = customer.customer_id
    where conflict.field in ('street', 'postcode', 'city')
    group by customer.customer_id, customer.owner
),

order_cancelled_after_sync as (
    select
        customer.customer_id,
        'order_cancelled_after_sync' as alert_type,
        'medium' as severity,
        'Order ' || coalesce(cancelled.order_number, cancelled.source_id)
            || ' was cancelled after it had been ' || cancelled.previous_status as message,
        customer.owner,
        cancelled.amount_excl_tax as amount,
        coalesce(cancelled.order_number, cancelled.source_id) as reference
    from core.order_cancelled_after_sync as cancelled
    inner join customer
        on customer.customer_id = cancelled.customer_id
),

urgent_ticket as (
    select
        open_ticket.customer_id,
        'urgent_ticket' as alert_type,
        'high' as severity,
        'Urgent ticket ' || open_ticket.ticket_number
            || coalesce(' (' || open_ticket.subject || ')', '')
            || coalesce(' open since ' || strftime(open_ticket.opened_at, '%Y-%m-%d'), '')
            as message,
        customer.owner,
        null::decimal(18,2) as amount,
        open_ticket.ticket_number as reference,
        open_ticket.opened_at::date as since,
        open_ticket.subject
    from core.open_ticket as open_ticket
    inner join customer
        on customer.customer_id = open_ticket.customer_id
    where open_ticket.priority = 'urgent'
),

-- A draft was never sent: only a sent quote (or one of unknown status) awaits an answer.
quote_unanswered as (
    select
        open_quote.customer_id,
        'quote_unanswered' as alert_type,
        'medium' as severity,
        'Quote ' || open_quote.quote_number || ' sent ' || open_quote.age_days::varchar
            || ' days ago is still unanswered' as message,
        customer.owner,
        open_quote.amount,
        open_quote.quote_number as reference,
        open_quote.issue_date::date as since,
        open_quote.age_days
    from core.open_quote as open_quote
    inner join customer
        on customer.customer_id = open_quote.customer_id
    where coalesce(open_quote.status, 'sent') = 'sent'
        and open_quote.age_days >= $quote_unanswered_days
),

last_success as (
    select
        ingest_run.source,
        max(coalesce(ingest_run.finished_at, ingest_run.started_at)) as last_loaded_at
    from meta.ingest_run as ingest_run
    where ingest_run.status in ('loaded', 'skipped')
    group by ingest_run.source
),

stale_source as (
    select
        null::varchar as customer_id,
        'stale_source' as alert_type,
        'high' as severity,
        'Source ' || source_config.name || case
            when last_success.last_loaded_at is null then ' was never loaded'
            else ' last loaded at ' || strftime(last_success.last_loaded_at, '%Y-%m-%d %H:%M')
        end || ' (expected every ' || source_config.expected_frequency_hours::varchar || ' h)'
            as message,
        null::varchar as owner,
        null::decimal(18,2) as amount,
        source_config.name as reference,
        last_success.last_loaded_at::date as since
    from core.source as source_config
    left join last_success
        on last_success.source = source_config.name
    where last_success.last_loaded_at is null
        or last_success.last_loaded_at
            < $built_at::timestamp - to_hours(source_config.expected_frequency_hours)
),

-- By name: a finding without a parameter has it null.
final as (
    select * from overdue_before_offer
    union all by name select * from credit_limit_exceeded
    union all by name select * from erp_only_customer
    union all by name select * from address_conflict
    union all by name select * from order_cancelled_after_sync
    union all by name select * from urgent_ticket
    union all by name select * from quote_unanswered
    union all by name select * from stale_source
)

select
    final.customer_id,
    final.alert_type,
    final.severity,
    final.message,
    final.owner,
    final.amount::decimal(18,2) as amount,
    final.reference::varchar as reference,
    final.since::date as since,
    final.age_days::integer as age_days,
    final.subject::varchar as subject
from final
order by final.alert_type, final.customer_id
