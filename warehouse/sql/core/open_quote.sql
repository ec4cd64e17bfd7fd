-- Open quotes, one row each with its age: draft, sent or of unknown status (SAP VBAK),
-- not past its validity, and not turned into an order (its own order link, or a live
-- order naming it). Quotes naming no known customer are left out.
-- Parameters: $as_of.
create or replace table core.open_quote as
with
quote_order as (
    select distinct
        sales_order.source,
        sales_order.quote_source_id
    from core.sales_order as sales_order
    where sales_order.quote_source_id is not null
        and coalesce(sales_order.status, '') <> 'cancelled'
),

final as (
    select
        quote.customer_id,
        quote.source,
        quote.source_id,
        coalesce(quote.quote_number, quote.source_id) as quote_number,
        quote.status,
        quote.issue_date,
        quote.valid_until,
        coalesce(quote.amount_excl_tax, quote.amount_incl_tax)::decimal(18,2) as amount,
        quote.currency,
        quote.owner,
        datediff('day', quote.issue_date, $as_of::date) as age_days
    from core.quote as quote
    where quote.customer_id is not null
        and coalesce(quote.status, 'sent') in ('draft', 'sent')
        and (quote.valid_until is null or quote.valid_until >= $as_of::date)
        and quote.order_source_id is null
        and not exists (
            select 1
            from quote_order
            where quote_order.source = quote.source
                and quote_order.quote_source_id = quote.source_id
        )
)

select * from final
order by final.customer_id, final.issue_date, final.source, final.source_id
