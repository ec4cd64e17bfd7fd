-- Open receivable items, signed (+ the customer owes us). A receivable group (records the
-- automatic matching put together, before steward decisions: core/receivable_group) with
-- accounting receivable lines takes its items from the ledger: unlettered lines one by
-- one, plus one residual per lettering group that does not balance, dated by its earliest
-- debit line. Every other group takes its posted ERP invoices with an open amount (credit
-- notes negative). Never both for one group; a steward's merge keeps each group's basis.
-- Due date (due_date_rule): the item's own ('document'), else for a ledger item the due
-- date of the posted ERP invoice of the same number and customer ('erp_invoice'), else
-- document date + the customer's payment terms ('payment_terms'), else + the default
-- ('default_terms').
-- Unallocated cash: the customer's credit items (amount_open < 0: unlettered payments,
-- credit notes, negative residuals) cover its debit items oldest first, by (document_date,
-- due_date, document_ref, source). amount_allocated is the part of a debit item covered
-- (a credit item: its whole amount, spent on the debits or left as a credit balance);
-- amount_remaining = amount_open - amount_allocated is what ages. Rule: docs/contracts.md.
-- Parameters: $as_of, $default_terms_days, $receivable_prefixes (list).
create or replace table core.open_item as
with
source_config as (
    select * from core.source
),

customer as (
    select * from core.customer
),

ledger_line as (
    select
        receivable_item.*,
        coalesce(receivable_item.document_date, receivable_item.posting_date) as item_date
    from core.receivable_item as receivable_item
    inner join source_config
        on source_config.name = receivable_item.source
        and source_config.role = 'accounting'
    where receivable_item.customer_id is not null
        and (
            receivable_item.account is null
            or len(list_filter($receivable_prefixes, lambda p: starts_with(receivable_item.account, p))) > 0
        )
),

ledger_group as (
    select distinct receivable_group.group_id
    from ledger_line
    inner join work.receivable_group as receivable_group
        on receivable_group.source = ledger_line.source
        and receivable_group.source_id = ledger_line.customer_source_id
),

unlettered as (
    select
        ledger_line.customer_id,
        ledger_line.source,
        'ledger' as basis,
        coalesce(ledger_line.document_ref, ledger_line.entry_number, ledger_line.source_id)
            as document_ref,
        ledger_line.item_date as document_date,
        ledger_line.due_date,
        ledger_line.amount as amount_open
    from ledger_line
    where nullif(trim(ledger_line.lettering), '') is null
),

lettering_group as (
    select
        ledger_line.customer_id,
        ledger_line.source,
        ledger_line.customer_source_id,
        ledger_line.lettering,
        sum(ledger_line.amount) as residual_amount,
        arg_min(ledger_line.document_ref, ledger_line.item_date)
            filter (where ledger_line.amount > 0) as debit_ref,
        min(ledger_line.item_date) filter (where ledger_line.amount > 0) as debit_date,
        min(ledger_line.due_date) filter (where ledger_line.amount > 0) as debit_due_date,
        min(ledger_line.item_date) as first_date
    from ledger_line
    where nullif(trim(ledger_line.lettering), '') is not null
    group by all
    having sum(ledger_line.amount) <> 0
),

residual as (
    select
        lettering_group.customer_id,
        lettering_group.source,
        'ledger' as basis,
        coalesce(lettering_group.debit_ref, 'lettering ' || lettering_group.lettering)
            as document_ref,
        coalesce(lettering_group.debit_date, lettering_group.first_date) as document_date,
        lettering_group.debit_due_date as due_date,
        lettering_group.residual_amount as amount_open
    from lettering_group
),

erp_invoice as (
    select
        invoice.customer_id,
        invoice.source,
        'erp_invoice' as basis,
        invoice.invoice_number as document_ref,
        invoice.issue_date as document_date,
        invoice.due_date,
        case when invoice.kind = 'credit_note' then -invoice.amount_open else invoice.amount_open end
            as amount_open
    from core.invoice as invoice
    inner join source_config
        on source_config.name = invoice.source
        and source_config.role = 'erp'
    inner join work.receivable_group as receivable_group
        on receivable_group.source = invoice.source
        and receivable_group.source_id = invoice.customer_source_id
    anti join ledger_group
        on ledger_group.group_id = receivable_group.group_id
    where invoice.customer_id is not null
        and coalesce(invoice.status, 'posted') = 'posted'
        and invoice.amount_open > 0
),

item as (
    select * from unlettered
    union all
    select * from residual
    union all
    select * from erp_invoice
),

erp_due as (
    -- Ledger lines carry no due date in a FEC; the ERP invoice they post knows it.
    select
        invoice.customer_id,
        invoice.invoice_number,
        min(invoice.due_date) as due_date
    from core.invoice as invoice
    inner join source_config
        on source_config.name = invoice.source
        and source_config.role = 'erp'
    where invoice.customer_id is not null
        and invoice.invoice_number is not null
        and invoice.due_date is not null
        and coalesce(invoice.status, 'posted') = 'posted'
    group by invoice.customer_id, invoice.invoice_number
),

dated as (
    select
        item.customer_id,
        item.source,
        item.basis,
        item.document_ref,
        item.document_date,
        coalesce(
            item.due_date,
            erp_due.due_date,
            item.document_date + coalesce(customer.payment_terms_days, $default_terms_days)::integer
        ) as due_date,
        case
            when item.due_date is not null then 'document'
            when erp_due.due_date is not null then 'erp_invoice'
            when customer.payment_terms_days is not null then 'payment_terms'
            else 'default_terms'
        end as due_date_rule,
        item.amount_open::decimal(18,2) as amount_open
    from item
    inner join customer
        on customer.customer_id = item.customer_id
    left join erp_due
        on item.basis = 'ledger'
        and erp_due.customer_id = item.customer_id
        and erp_due.invoice_number = item.document_ref
),

pooled as (
    -- Per item: the customer's unallocated cash C and the debits before it in age order
    -- (credit items add 0; amount_open breaks exact ties so the split is reproducible).
    select
        dated.*,
        -sum(least(dated.amount_open, 0)) over (partition by dated.customer_id)
            as unallocated_cash_amount,
        coalesce(
            sum(greatest(dated.amount_open, 0)) over (
                partition by dated.customer_id
                order by
                    dated.document_date nulls last,
                    dated.due_date nulls last,
                    dated.document_ref nulls last,
                    dated.source,
                    dated.amount_open
                rows between unbounded preceding and 1 preceding
            ),
            0
        ) as debit_before_amount
    from dated
),

allocated as (
    select
        pooled.* exclude (unallocated_cash_amount, debit_before_amount),
        case
            when pooled.amount_open > 0
                then least(
                    pooled.amount_open,
                    greatest(0, pooled.unallocated_cash_amount - pooled.debit_before_amount)
                )
            when pooled.amount_open < 0 then pooled.amount_open
            else 0
        end::decimal(18,2) as amount_allocated
    from pooled
),

remaining as (
    select
        allocated.*,
        (allocated.amount_open - allocated.amount_allocated)::decimal(18,2) as amount_remaining
    from allocated
),

final as (
    select
        remaining.*,
        case
            when remaining.amount_remaining > 0 and remaining.due_date < $as_of
                then date_diff('day', remaining.due_date, $as_of::date)
            else 0
        end as days_overdue,
        -- Only what remains of a debit ages; credit items and covered debits age nowhere.
        case
            when remaining.amount_remaining <= 0 then null
            when remaining.due_date is null or not remaining.due_date < $as_of then 'not_due'
            when date_diff('day', remaining.due_date, $as_of::date) <= 30 then '1_30'
            when date_diff('day', remaining.due_date, $as_of::date) <= 60 then '31_60'
            when date_diff('day', remaining.due_date, $as_of::date) <= 90 then '61_90'
            else 'over_90'
        end as aging_bucket
    from remaining
)

select * from final
