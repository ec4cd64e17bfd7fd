-- Revenue = posted invoices − credit notes, excluding tax, by issue date. Taken from the
-- ERP sources (CRM copies of invoices would count twice); from any source when no ERP.
create or replace table core.revenue_line as
with
source_config as (
    select * from core.source
),

invoice as (
    select * from core.invoice
),

final as (
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
        and (
            source_config.role = 'erp'
            or not exists (select 1 from source_config as erp where erp.role = 'erp')
        )
)

select * from final
