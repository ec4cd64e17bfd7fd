select
    o.source,
    o.source_id,
    o.order_number,
    o.status,
    o.order_date,
    o.amount_excl_tax,
    o.amount_incl_tax,
    o.currency
from core.sales_order as o
where o.customer_id = $customer_id
