-- Records that name no known customer: an opportunity, order, invoice, receivable (ledger)
-- line or payment whose customer reference is blank, or matches no live customer record of its own
-- source. They stay in core.<object> with a null customer_id (never attached by guess) and
-- are listed here with what they name and their amount; their money reaches no balance.
create or replace table core.orphan as
with
staged_customer as (
    select * from stg.staging.customer
),

child as (
    select
        'orphan_opportunity' as check_name,
        'opportunity' as object,
        opportunity.source,
        opportunity.source_id,
        opportunity.name as document_ref,
        opportunity.customer_source_id,
        opportunity.amount,
        null::decimal(18,2) as open_amount,
        opportunity.currency
    from core.opportunity as opportunity
    where opportunity.customer_id is null
    union all
    select
        'orphan_order', 'sales_order', sales_order.source, sales_order.source_id,
        sales_order.order_number, sales_order.customer_source_id,
        coalesce(sales_order.amount_incl_tax, sales_order.amount_excl_tax), null,
        sales_order.currency
    from core.sales_order as sales_order
    where sales_order.customer_id is null
    union all
    select
        'orphan_invoice', 'invoice', invoice.source, invoice.source_id, invoice.invoice_number,
        invoice.customer_source_id,
        case when invoice.kind = 'credit_note' then -invoice.amount_incl_tax
            else invoice.amount_incl_tax end,
        case when invoice.kind = 'credit_note' then -invoice.amount_open
            else invoice.amount_open end,
        invoice.currency
    from core.invoice as invoice
    where invoice.customer_id is null
    union all
    select
        'orphan_ledger_line', 'receivable_item', item.source, item.source_id,
        coalesce(item.document_ref, item.entry_number), item.customer_source_id, item.amount,
        item.amount_open, item.currency
    from core.receivable_item as item
    where item.customer_id is null
    union all
    -- A receipt naming no known customer: cash that reaches no customer's payment history.
    select
        'orphan_payment', 'payment', payment.source, payment.source_id,
        coalesce(payment.payment_number, payment.source_id), payment.customer_source_id,
        payment.amount, null, payment.currency
    from core.payment as payment
    where payment.customer_id is null
),

final as (
    select
        child.check_name,
        child.object,
        child.source,
        child.source_id,
        child.document_ref,
        child.customer_source_id,
        case
            when nullif(trim(child.customer_source_id), '') is null then 'no_reference'
            when staged_customer.is_deleted then 'customer_deleted'
            else 'unknown_customer'
        end as reason,
        child.amount::decimal(18,2) as amount,
        child.open_amount::decimal(18,2) as open_amount,
        child.currency
    from child
    left join staged_customer
        on staged_customer.source = child.source
        and staged_customer.source_id = child.customer_source_id
)

select * from final
order by final.check_name, final.source, final.source_id
