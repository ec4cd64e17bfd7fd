select
    o.order_date as event_date,
    'order' as event_type,
    o.source,
    o.source_id,
    o.order_number as reference,
    o.status,
    o.amount_incl_tax as amount,
    o.currency
from core.sales_order as o
where o.customer_id = $customer_id
