-- Invoices from the books (docs/books.md): a sales entry = the FEC lines of one source
-- sharing (journal, entry number) that hold a customer line (receivable account) and a
-- sales line (revenue account). One invoice of that customer per entry:
--   invoice_number = PieceRef, else journal/entry; issue_date = PieceDate, else EcritureDate;
--   amount_incl_tax = |Σ customer lines (debit − credit)|, kind = invoice when that sum > 0,
--   else credit_note; amount_excl_tax = |Σ sales lines (credit − debit)|;
--   due_date = the customer line's DateEcheance, else issue date + the customer's payment
--   terms, else + $default_terms_days (the same rule as core/open_item); amount_open = the customer line while
--   unlettered, 0 when its lettering group balances, else the group residual (in the
--   invoice's direction, never below 0) capped at the invoice amount.
-- An entry on several customer accounts is the invoice of the one with the largest amount.
-- core.ledger_invoice holds every sales entry; core.invoice receives them only when no ERP
-- source is configured (ERP invoices win, never both: see core/revenue_line.sql).
-- Debit/Credit are in the book's currency (Idevise qualifies Montantdevise only).
-- Parameters: $receivable_prefixes, $revenue_prefixes, $currency, $default_terms_days.
create or replace table core.ledger_invoice as
with
source_config as (
    select * from core.source
),

customer_line as (
    select
        receivable_item.*,
        nullif(trim(receivable_item.lettering), '') as letter
    from core.receivable_item as receivable_item
    where receivable_item.journal is not null
        and receivable_item.entry_number is not null
        and (
            receivable_item.account is null
            or len(list_filter($receivable_prefixes, lambda p: starts_with(receivable_item.account, p))) > 0
        )
),

sales_line as (
    select staged.*
    from stg.staging.ledger_line as staged
    where not staged.is_deleted
        and len(list_filter($revenue_prefixes, lambda p: starts_with(staged.account, p))) > 0
),

sales_entry as (
    select
        sales_line.source,
        sales_line.journal,
        sales_line.entry_number,
        sum(sales_line.amount) as sales_debit_amount
    from sales_line
    group by all
),

lettering_group as (
    select
        customer_line.source,
        customer_line.customer_source_id,
        customer_line.letter,
        sum(customer_line.amount) as residual_amount
    from customer_line
    where customer_line.letter is not null
    group by all
),

entry_customer as (
    select
        customer_line.source,
        customer_line.journal,
        customer_line.entry_number,
        customer_line.customer_source_id,
        any_value(customer_line.customer_id) as customer_id,
        sum(customer_line.amount) as customer_amount,
        sum(customer_line.amount) filter (where customer_line.letter is null) as unlettered_amount,
        list(distinct customer_line.letter) filter (where customer_line.letter is not null)
            as letters,
        arg_min(customer_line.document_ref, customer_line._line)
            filter (where customer_line.document_ref is not null) as document_ref,
        min(customer_line.document_date) as document_date,
        min(customer_line.posting_date) as posting_date,
        min(customer_line.due_date) as due_date,
        arg_min(customer_line._run_id, customer_line._line) as _run_id,
        arg_min(customer_line._file, customer_line._line) as _file,
        min(customer_line._line) as _line
    from customer_line
    semi join sales_entry
        on sales_entry.source = customer_line.source
        and sales_entry.journal = customer_line.journal
        and sales_entry.entry_number = customer_line.entry_number
    group by all
),

entry_main_customer as (
    select *
    from entry_customer
    qualify row_number() over (
        partition by entry_customer.source, entry_customer.journal, entry_customer.entry_number
        order by abs(entry_customer.customer_amount) desc, entry_customer.customer_source_id
    ) = 1
),

entry_letter as (
    select
        entry_main_customer.source,
        entry_main_customer.journal,
        entry_main_customer.entry_number,
        entry_main_customer.customer_source_id,
        unnest(entry_main_customer.letters) as letter
    from entry_main_customer
),

entry_residual as (
    select
        entry_letter.source,
        entry_letter.journal,
        entry_letter.entry_number,
        sum(lettering_group.residual_amount) as residual_amount
    from entry_letter
    inner join lettering_group
        on lettering_group.source = entry_letter.source
        and lettering_group.customer_source_id = entry_letter.customer_source_id
        and lettering_group.letter = entry_letter.letter
    group by all
),

invoice as (
    select
        entry_main_customer.*,
        case when entry_main_customer.customer_amount > 0 then 'invoice' else 'credit_note' end
            as kind,
        case when entry_main_customer.customer_amount > 0 then 1 else -1 end as direction,
        sales_entry.sales_debit_amount,
        coalesce(entry_main_customer.unlettered_amount, 0)
            + coalesce(entry_residual.residual_amount, 0) as open_signed_amount
    from entry_main_customer
    inner join sales_entry
        on sales_entry.source = entry_main_customer.source
        and sales_entry.journal = entry_main_customer.journal
        and sales_entry.entry_number = entry_main_customer.entry_number
    left join entry_residual
        on entry_residual.source = entry_main_customer.source
        and entry_residual.journal = entry_main_customer.journal
        and entry_residual.entry_number = entry_main_customer.entry_number
),

final as (
    select
        invoice.customer_id,
        invoice.source,
        invoice.journal || '/' || invoice.entry_number as source_id,
        invoice.customer_source_id,
        coalesce(invoice.document_ref, invoice.journal || '/' || invoice.entry_number)
            as invoice_number,
        invoice.kind,
        'posted' as status,
        null::varchar as order_ref,
        coalesce(invoice.document_date, invoice.posting_date) as issue_date,
        coalesce(
            invoice.due_date,
            coalesce(invoice.document_date, invoice.posting_date)
                + coalesce(customer.payment_terms_days, $default_terms_days)::integer
        ) as due_date,
        abs(invoice.sales_debit_amount)::decimal(18,2) as amount_excl_tax,
        abs(invoice.customer_amount)::decimal(18,2) as amount_incl_tax,
        least(
            greatest(invoice.open_signed_amount * invoice.direction, 0),
            abs(invoice.customer_amount)
        )::decimal(18,2) as amount_open,
        $currency as currency,
        null::timestamp as updated_at,
        invoice._run_id,
        invoice._file,
        invoice._line,
        invoice.journal,
        invoice.entry_number
    from invoice
    left join core.customer as customer
        on customer.customer_id = invoice.customer_id
    order by invoice.source, invoice.journal, invoice.entry_number
)

select * from final;

insert into core.invoice by name
select ledger_invoice.* exclude (journal, entry_number)
from core.ledger_invoice as ledger_invoice
where not exists (select 1 from core.source as erp where erp.role = 'erp');
