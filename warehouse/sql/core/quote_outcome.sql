-- Every quote of a known customer with its outcome at $as_of, the one definition that
-- core.open_quote, the quote alerts and the quote KPIs read:
--   ordered  : it became an order (its own order link, or a live order naming it),
--   accepted : signed / accepted, no order seen (still a quote won),
--   refused  : refused by the customer,
--   expired  : said expired, or draft / sent / of unknown status (SAP VBAK) past its
--              validity,
--   open     : draft, sent or of unknown status, still valid.
-- decided_date: when the outcome was known, as far as the source says (the order's date,
-- else the validity date for an expiry); null when the source does not date it.
-- Parameters: $as_of.
create or replace table core.quote_outcome as
with
quote_order as (
    select
        sales_order.source,
        sales_order.quote_source_id,
        min(sales_order.order_date) as order_date,
        arg_min(coalesce(sales_order.order_number, sales_order.source_id), sales_order.order_date)
            as order_number
    from core.sales_order as sales_order
    where sales_order.quote_source_id is not null
        and coalesce(sales_order.status, '') <> 'cancelled'
    group by all
),

own_order as (
    select
        sales_order.source,
        sales_order.source_id,
        sales_order.order_date,
        coalesce(sales_order.order_number, sales_order.source_id) as order_number
    from core.sales_order as sales_order
),

quote as (
    select
        quote.*,
        coalesce(own_order.order_date, quote_order.order_date) as order_date,
        coalesce(own_order.order_number, quote.order_source_id, quote_order.order_number)
            as order_number,
        quote.order_source_id is not null or quote_order.quote_source_id is not null
            as became_order
    from core.quote as quote
    left join quote_order
        on quote_order.source = quote.source
        and quote_order.quote_source_id = quote.source_id
    left join own_order
        on own_order.source = quote.source
        and own_order.source_id = quote.order_source_id
    where quote.customer_id is not null
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
        quote.amount_incl_tax,
        quote.currency,
        quote.owner,
        quote.order_number,
        case
            when quote.became_order then 'ordered'
            when quote.status = 'accepted' then 'accepted'
            when quote.status = 'refused' then 'refused'
            when quote.status = 'expired' then 'expired'
            when quote.valid_until < $as_of::date then 'expired'
            else 'open'
        end as outcome,
        case
            when quote.became_order then quote.order_date
            when quote.status = 'expired' or quote.valid_until < $as_of::date
                then quote.valid_until
        end as decided_date,
        datediff('day', quote.issue_date, $as_of::date) as age_days
    from quote
)

select * from final
order by final.customer_id, final.issue_date, final.source, final.source_id
