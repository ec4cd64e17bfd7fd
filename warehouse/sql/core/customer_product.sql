-- What each customer buys, one row per customer and product (its code, else its name
-- across sources): how much over the 12 months up to $as_of and in all, how often, and
-- the last purchase with its unit price and discount. product_rank 1 = the product the
-- customer spent most on over the 12 months (then in all).
-- Parameters: $as_of.
create or replace table core.customer_product as
with
line as (
    select
        purchase_line.*,
        coalesce(purchase_line.product_code, purchase_line.product_name) as product_key
    from core.purchase_line as purchase_line
    where purchase_line.purchase_date is not null
        and purchase_line.purchase_date <= $as_of::date
        and coalesce(purchase_line.product_code, purchase_line.product_name) is not null
),

last_line as (
    select
        line.customer_id,
        line.product_key,
        line.product_name,
        line.purchase_date as last_purchase_date,
        line.order_reference as last_order_reference,
        line.quantity as last_quantity,
        line.unit_price as last_unit_price,
        line.discount_percent as last_discount_percent,
        line.currency as last_currency
    from line
    qualify row_number() over (
        partition by line.customer_id, line.product_key
        order by line.purchase_date desc, line.source, line.order_source_id desc,
            line.line_number desc nulls last, line.source_id desc
    ) = 1
),

totals as (
    select
        line.customer_id,
        line.product_key,
        any_value(line.product_code) as product_code,
        count(distinct (line.source, line.order_source_id)) as order_count,
        sum(line.quantity)::decimal(18,4) as quantity_total,
        sum(line.amount_excl_tax)::decimal(18,2) as amount_total,
        coalesce(
            sum(line.amount_excl_tax) filter (
                where line.purchase_date > $as_of::date - interval 12 month
            ),
            0
        )::decimal(18,2) as amount_12m,
        min(line.purchase_date) as first_purchase_date
    from line
    group by all
),

final as (
    select
        totals.customer_id,
        row_number() over (
            partition by totals.customer_id
            order by totals.amount_12m desc, totals.amount_total desc nulls last,
                last_line.last_purchase_date desc, totals.product_key
        ) as product_rank,
        totals.product_code,
        last_line.product_name,
        totals.order_count,
        totals.quantity_total,
        totals.amount_12m,
        totals.amount_total,
        totals.first_purchase_date,
        last_line.last_purchase_date,
        last_line.last_order_reference,
        last_line.last_quantity,
        last_line.last_unit_price,
        last_line.last_discount_percent,
        last_line.last_currency as currency
    from totals
    inner join last_line
        on last_line.customer_id = totals.customer_id
        and last_line.product_key = totals.product_key
)

select * from final
order by final.customer_id, final.product_rank
