-- Payment history: one row per settled customer invoice with the date it was settled,
-- its days-to-pay (settled − issued) and whether it was paid by its due date.
-- Settled on: the latest payment naming it (payment.invoice_ref, several separated by ';',
-- matched to the invoice number or id of the same source) when nothing is left open on
-- it; else, for an invoice item of the books or an accounting source fully cleared
-- (amount_open 0), its clearing / lettering date (SAP BSAD AUGDT, FEC DateLet).
-- payment_refs: the payments' numbers (';' joined), or the clearing document / letter.
-- Parameters: none.
create or replace table core.invoice_payment as
with
invoice as (
    select *
    from core.invoice
    where customer_id is not null
        and kind = 'invoice'
        and coalesce(status, 'posted') <> 'cancelled'
),

allocation as (
    select
        payment.source,
        coalesce(payment.payment_number, payment.source_id) as payment_ref,
        trim(ref.invoice_ref) as invoice_ref,
        payment.payment_date,
        payment.amount
    from core.payment as payment,
        unnest(string_split(payment.invoice_ref, ';')) as ref(invoice_ref)
    where payment.payment_date is not null
        and nullif(trim(ref.invoice_ref), '') is not null
),

paid_invoice as (
    select
        invoice.customer_id,
        invoice.source,
        invoice.source_id,
        invoice.invoice_number,
        invoice.issue_date,
        invoice.due_date,
        invoice.amount_incl_tax as amount,
        invoice.currency,
        max(allocation.payment_date) as paid_date,
        count(*) as payment_count,
        'payment' as basis,
        string_agg(distinct allocation.payment_ref, ';' order by allocation.payment_ref)
            as payment_refs
    from invoice
    inner join allocation
        on allocation.source = invoice.source
        and allocation.invoice_ref in (invoice.invoice_number, invoice.source_id)
    -- Unknown open amount (a CRM invoice): the payments naming it are taken as settling it.
    where coalesce(invoice.amount_open, 0) = 0
    group by all
),

cleared_item as (
    select
        item.customer_id,
        item.source,
        item.source_id,
        coalesce(item.document_ref, item.entry_number) as invoice_number,
        coalesce(item.document_date, item.posting_date) as issue_date,
        item.due_date,
        item.amount,
        item.currency,
        item.lettering_date as paid_date,
        1 as payment_count,
        'clearing' as basis,
        item.lettering as payment_refs
    from core.receivable_item as item
    where item.customer_id is not null
        and item.kind = 'invoice'
        and item.amount > 0
        and item.amount_open = 0
        and item.lettering_date is not null
        and not exists (
            select 1
            from paid_invoice
            where paid_invoice.customer_id = item.customer_id
                and paid_invoice.invoice_number = coalesce(item.document_ref, item.entry_number)
        )
),

settled as (
    select * from paid_invoice
    union all
    select * from cleared_item
),

final as (
    select
        settled.customer_id,
        settled.source,
        settled.source_id,
        settled.invoice_number,
        settled.issue_date,
        settled.due_date,
        settled.amount::decimal(18,2) as amount,
        settled.currency,
        settled.paid_date,
        settled.payment_count,
        settled.basis,
        settled.payment_refs,
        datediff('day', settled.issue_date, settled.paid_date) as days_to_pay,
        datediff('day', settled.due_date, settled.paid_date) as days_late,
        settled.paid_date <= settled.due_date as paid_on_time
    from settled
    where settled.issue_date is not null
)

select * from final
order by final.customer_id, final.paid_date, final.source, final.source_id
