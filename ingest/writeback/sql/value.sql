-- One row per CRM record linked to a golden customer and per value written back, as
-- text in one canonical form (money 2 decimals, dates ISO), so that comparing it with the
-- last value written is exact. The snapshot is attached read-only as `snap`.
-- Parameters: $sources (write-back sources), $dashboard_url.
create or replace temp table writeback_value as
with
record as (
    select
        customer_xref.source,
        customer_xref.source_id as record_id,
        customer_xref.customer_id
    from snap.core.customer_xref as customer_xref
    where customer_xref.customer_id is not null
        and customer_xref.source in (select unnest($sources::varchar[]))
),

alert_rank as (
    select
        alert.customer_id,
        alert.message,
        case alert.severity when 'high' then 1 when 'medium' then 2 else 3 end as severity_rank,
        alert.alert_type
    from snap.mart.alert as alert
    where alert.customer_id is not null
),

alert_summary as (
    select
        alert_rank.customer_id,
        string_agg(
            alert_rank.message, '; '
            order by alert_rank.severity_rank, alert_rank.alert_type, alert_rank.message
        ) as summary
    from alert_rank
    group by alert_rank.customer_id
),

figures as (
    select
        record.source,
        record.record_id,
        record.customer_id,
        customer.outstanding_amount::decimal(18,2)::varchar as outstanding,
        customer.overdue_amount::decimal(18,2)::varchar as overdue,
        coalesce(customer.oldest_overdue_days, 0)::bigint::varchar as oldest_overdue_days,
        customer.credit_limit_amount::decimal(18,2)::varchar as credit_limit,
        -- in percent (CRM percent fields take 85.5 for 85.5 %)
        (customer.credit_utilisation * 100)::decimal(12,2)::varchar as credit_utilisation,
        strftime(customer.last_invoice_date, '%Y-%m-%d') as last_invoice_date,
        -- a CRM text field commonly holds 255 characters
        case
            when length(alert_summary.summary) > 255
                then left(alert_summary.summary, 254) || '…'
            else alert_summary.summary
        end as alert_summary,
        $dashboard_url || '/customers?customer=' || record.customer_id as link
    from record
    inner join snap.mart.customer_360 as customer
        on customer.customer_id = record.customer_id
    left join alert_summary
        on alert_summary.customer_id = record.customer_id
),

final as (
    -- include nulls: a value that became empty must empty the CRM field too
    select *
    from figures
    unpivot include nulls (
        value for field_key in (
            outstanding,
            overdue,
            oldest_overdue_days,
            credit_limit,
            credit_utilisation,
            last_invoice_date,
            alert_summary,
            link
        )
    )
)

select
    final.source,
    final.record_id,
    final.customer_id,
    final.field_key,
    final.value
from final
