-- What each customer bought, one row per line: the lines of its live orders (draft and
-- cancelled orders are not purchases; an Odoo quotation is a draft sale.order), and the
-- lines of its won deals / opportunities (HubSpot line items, Salesforce opportunity
-- lines: their "order" is the deal) when the line's order is no sales order of the source.
-- A line's amount is its own net amount, else quantity × unit price less its discount.
-- The product name: the line's description, else the source's product of that code.
create or replace table core.purchase_line as
with
line as (
    select * from core.order_line
),

-- What a line can belong to: a live sales order, else (when the source has no sales order
-- of that id) a won deal.
purchase as (
    select
        sales_order.source,
        sales_order.source_id,
        sales_order.customer_id,
        sales_order.order_number as order_reference,
        sales_order.order_date as purchase_date
    from core.sales_order as sales_order
    where sales_order.customer_id is not null
        and coalesce(sales_order.status, 'confirmed') not in ('draft', 'cancelled')
    union all
    select
        opportunity.source,
        opportunity.source_id,
        opportunity.customer_id,
        opportunity.name,
        opportunity.close_date
    from core.opportunity as opportunity
    anti join core.sales_order as any_order
        on any_order.source = opportunity.source
        and any_order.source_id = opportunity.source_id
    where opportunity.customer_id is not null
        and opportunity.status = 'won'
),

product as (
    select
        product.source,
        product.product_code,
        any_value(product.name order by product.source_id) as name
    from stg.staging.product as product
    where not product.is_deleted
        and product.product_code is not null
    group by all
),

bought as (
    select
        purchase.customer_id,
        line.source,
        line.source_id,
        line.order_source_id,
        purchase.order_reference,
        purchase.purchase_date,
        line.line_number,
        line.product_code,
        line.description,
        line.quantity,
        line.unit_price,
        line.discount_percent,
        line.amount_excl_tax,
        line.currency
    from line
    inner join purchase
        on purchase.source = line.source
        and purchase.source_id = line.order_source_id
),

final as (
    select
        bought.customer_id,
        bought.source,
        bought.source_id,
        bought.order_source_id,
        bought.order_reference,
        bought.purchase_date,
        bought.line_number,
        bought.product_code,
        coalesce(nullif(trim(bought.description), ''), product.name, bought.product_code)
            as product_name,
        bought.quantity,
        bought.unit_price,
        bought.discount_percent,
        coalesce(
            bought.amount_excl_tax,
            round(
                bought.quantity * bought.unit_price
                * (1 - coalesce(bought.discount_percent, 0) / 100),
                2
            )
        )::decimal(18,2) as amount_excl_tax,
        bought.currency
    from bought
    left join product
        on product.source = bought.source
        and product.product_code = bought.product_code
)

select * from final
order by final.customer_id, final.purchase_date, final.source, final.source_id
