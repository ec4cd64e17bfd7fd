-- Payment history: one row per settled customer invoice with the date it was settled,
-- its days-to-pay (settled − issued) and whether it was paid by its due date.
-- Settled on: the latest payment naming it (payment.invoice_ref, several separated by ';',
-- matched to the invoice number or id of the same source) when nothing is left open on
-- it (its own open amount, else the books' item of the same number); else, for an invoice
-- item of the books or an accounting source, the latest receipt of its lettering group
-- (core.ledger_payment: SAP BSAD clearing document, FEC letter) when the group balances.
-- A group settled by a credit note alone holds no receipt: the invoice was not paid.
-- payment_refs: the payments' numbers (';' joined).
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
    -- Unknown open amount (a CRM invoice): the payments naming it are taken as settling it,
    -- unless the books of the source still hold it open (SAP VBRK with BSID).
    where coalesce(invoice.amount_open, 0) = 0
        and not exists (
            select 1
            from core.receivable_item as book
            where book.source = invoice.source
                and coalesce(book.document_ref, book.entry_number) = invoice.invoice_number
                and book.kind = 'invoice'
                and coalesce(book.amount_open, 0) <> 0
        )
    group by all
),

lettering_group as (
    select
        item.source,
        item.customer_source_id,
        trim(item.lettering) as lettering,
        sum(item.amount) as residual_amount
    from core.receivable_item as item
    where nullif(trim(item.lettering), '') is not null
    group by all
),

receipt_group as (
    select
        receipt.source,
        receipt.customer_source_id,
        receipt.lettering,
        max(receipt.payment_date) as paid_date,
        count(*) as payment_count,
        string_agg(distinct receipt.payment_number, ';' order by receipt.payment_number)
            as payment_refs
    from core.ledger_payment as receipt
    where receipt.lettering is not null
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
        receipt_group.paid_date,
        receipt_group.payment_count,
        'clearing' as basis,
        receipt_group.payment_refs
    from core.receivable_item as item
    inner join lettering_group
        on lettering_group.source = item.source
        and lettering_group.customer_source_id = item.customer_source_id
        and lettering_group.lettering = trim(item.lettering)
    inner join receipt_group
        on receipt_group.source = item.source
        and receipt_group.customer_source_id = item.customer_source_id
        and receipt_group.lettering = trim(item.lettering)
    where item.customer_id is not null
        and item.kind = 'invoice'
        and item.amount > 0
        and lettering_group.residual_amount = 0
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
