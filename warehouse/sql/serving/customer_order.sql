-- needs: core.sales_order
-- order: item.order_date desc nulls last, item.source, item.source_id
-- Each customer's rows; `order:` is the order the API pages them in (serving/list_items.sql).
select
    -- The item's fields, in the order of its Arrow file's columns.
    r.*
from (
    select
        o.customer_id,
        o.source,
        o.source_id,
        o.order_number,
        o.status,
        o.order_date,
        o.amount_excl_tax,
        o.amount_incl_tax,
        o.currency
    from core.sales_order as o
    where o.customer_id is not null
) as r
