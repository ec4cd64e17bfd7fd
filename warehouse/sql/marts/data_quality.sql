-- Exceptions for the data steward, one row per finding.
create or replace table mart.data_quality as
with
xref as (
    select * from core.customer_xref
),

customer as (
    select * from core.customer
),

erp_not_in_crm as (
    select
        'erp_not_in_crm' as check_name, 'warning' as severity, xref.customer_id,
        xref.source, xref.source_id, 'Customer in the ERP has no CRM record' as detail
    from xref
    where xref.role = 'erp'
        and xref.customer_id not in (select x.customer_id from xref as x where x.role = 'crm')
),

crm_not_in_erp as (
    select
        'crm_not_in_erp', 'warning', xref.customer_id, xref.source, xref.source_id,
        'CRM customer has no ERP record'
    from xref
    inner join work.customer_record as record
        on record.source = xref.source
        and record.source_id = xref.source_id
    where xref.role = 'crm'
        and coalesce(record.is_customer, false)
        and xref.customer_id not in (select x.customer_id from xref as x where x.role = 'erp')
),

address_differs as (
    select
        'address_differs', 'warning', conflict.customer_id, conflict.chosen_source, null,
        conflict.field || ' differs: ' || conflict."values"
    from core.customer_conflict as conflict
    where conflict.field in ('street', 'postcode', 'city')
),

invalid_legal_id as (
    select
        'invalid_legal_id', 'error', xref.customer_id, record.source, record.source_id,
        concat_ws('; ',
            case when nullif(trim(record.siren), '') is not null and not record.siren_ok
                then 'invalid SIREN ' || record.siren end,
            case when nullif(trim(record.siret), '') is not null and not record.siret_ok
                then 'invalid SIRET ' || record.siret end,
            case when nullif(trim(record.vat_number), '') is not null and not record.vat_ok
                then 'invalid VAT number ' || record.vat_number end
        )
    from work.customer_record as record
    inner join xref
        on xref.source = record.source
        and xref.source_id = record.source_id
    where (nullif(trim(record.siren), '') is not null and not record.siren_ok)
        or (nullif(trim(record.siret), '') is not null and not record.siret_ok)
        or (nullif(trim(record.vat_number), '') is not null and not record.vat_ok)
),

deleted_at_source as (
    select
        'deleted_at_source', 'info', registry.customer_id, staged.source, staged.source_id,
        'Customer record deleted at its source'
    from stg.staging.customer as staged
    left join hist.id_registry as registry
        on registry.source = staged.source
        and registry.source_id = staged.source_id
    where staged.is_deleted
),

order_cancelled_after_sync as (
    select
        'order_cancelled_after_sync', 'warning', cancelled.customer_id, cancelled.source,
        cancelled.source_id,
        'Order ' || coalesce(cancelled.order_number, cancelled.source_id)
            || ' cancelled after it was ' || cancelled.previous_status
    from core.order_cancelled_after_sync as cancelled
),

review_pending as (
    select
        'review_pending', 'info', candidate.left_customer_id, candidate.left_source,
        candidate.left_source_id,
        'May be the same customer as ' || candidate.right_source || ' '
            || candidate.right_source_id || ' (' || candidate.right_customer_id || '), score '
            || candidate.score::varchar
    from core.match_candidate as candidate
),

orphan as (
    -- What the record names (its customer reference, or nothing) and its amount: the money
    -- of an orphan reaches no customer's balance, so the steward must see it here.
    select
        orphan.check_name, 'warning', null, orphan.source, orphan.source_id,
        case orphan.object
            when 'opportunity' then 'Opportunity'
            when 'sales_order' then 'Order'
            when 'invoice' then 'Invoice'
            when 'payment' then 'Payment'
            else 'Ledger line'
        end || ' ' || coalesce(orphan.document_ref, orphan.source_id)
            || case orphan.reason
                when 'no_reference' then ' names no customer'
                when 'customer_deleted' then ' names customer ' || orphan.customer_source_id
                    || ', deleted at its source'
                else ' names customer ' || orphan.customer_source_id || ', unknown in '
                    || orphan.source
            end
            || coalesce('; amount ' || orphan.amount::varchar || ' ' || coalesce(orphan.currency, ''), '')
            || coalesce(', open ' || orphan.open_amount::varchar, '')
    from core.orphan as orphan
),

final as (
    select * from erp_not_in_crm
    union all select * from crm_not_in_erp
    union all select * from address_differs
    union all select * from invalid_legal_id
    union all select * from deleted_at_source
    union all select * from order_cancelled_after_sync
    union all select * from review_pending
    union all select * from orphan
)

select
    final.check_name,
    final.severity,
    final.customer_id,
    final.source,
    final.source_id,
    final.detail
from final
order by final.check_name, final.source, final.source_id
