-- Revenue = posted invoices − credit notes, excluding tax, by issue date. Taken from the
-- ERP sources (CRM copies of invoices would count twice); from any source when no ERP.
-- With no ERP, the books' sales entries count too (docs/books.md): one line per sales-
-- account line, credit − debit, dated and attributed as its entry's invoice
-- (core.ledger_invoice), so a credit note's revenue is negative. ERP invoices win when
-- an ERP exists: never both.
-- Parameters: $revenue_prefixes.
create or replace table core.revenue_line as
with
source_config as (
    select * from core.source
),

no_erp as (
    select not exists (select 1 from source_config as erp where erp.role = 'erp') as yes
),

ledger_invoice as (
    select * from core.ledger_invoice
),

invoice as (
    select invoice.*
    from core.invoice as invoice
    anti join ledger_invoice
        on ledger_invoice.source = invoice.source
        and ledger_invoice.source_id = invoice.source_id
),

document_revenue as (
    select
        invoice.customer_id,
        invoice.source,
        invoice.invoice_number,
        invoice.kind,
        invoice.issue_date,
        case when invoice.kind = 'credit_note' then -invoice.amount_excl_tax else invoice.amount_excl_tax end
            ::decimal(18,2) as revenue_amount
    from invoice
    inner join source_config
        on source_config.name = invoice.source
    where invoice.customer_id is not null
        and invoice.issue_date is not null
        and coalesce(invoice.status, 'posted') = 'posted'
        and (source_config.role = 'erp' or (select yes from no_erp))
),

ledger_revenue as (
    select
        ledger_invoice.customer_id,
        ledger_invoice.source,
        ledger_invoice.invoice_number,
        ledger_invoice.kind,
        ledger_invoice.issue_date,
        (-sales_line.amount)::decimal(18,2) as revenue_amount
    from stg.staging.ledger_line as sales_line
    inner join ledger_invoice
        on ledger_invoice.source = sales_line.source
        and ledger_invoice.journal = sales_line.journal
        and ledger_invoice.entry_number = sales_line.entry_number
    where not sales_line.is_deleted
        and len(list_filter($revenue_prefixes, lambda p: starts_with(sales_line.account, p))) > 0
        and ledger_invoice.customer_id is not null
        and ledger_invoice.issue_date is not null
        and (select yes from no_erp)
),

final as (
    select * from document_revenue
    union all
    select * from ledger_revenue
)

select * from final
