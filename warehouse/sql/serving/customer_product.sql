-- needs: core.customer_product
-- order: item.product_rank
-- What each customer buys, top product first (core.customer_product's rank).
select
    -- The item's fields, in the order of its Arrow file's columns.
    r.*
from (
    select
        p.customer_id,
        p.product_rank,
        p.product_code,
        p.product_name,
        p.order_count,
        p.quantity_total,
        p.amount_12m,
        p.amount_total,
        p.first_purchase_date,
        p.last_purchase_date,
        p.last_order_reference,
        p.last_quantity,
        p.last_unit_price,
        p.last_discount_percent,
        p.currency
    from core.customer_product as p
) as r
