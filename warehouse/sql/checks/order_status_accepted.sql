-- Order statuses are among the canonical ones.
select sales_order.source, sales_order.source_id, sales_order.status
from core.sales_order as sales_order
where sales_order.status is null
    or sales_order.status not in (
        'draft', 'confirmed', 'shipped', 'delivered', 'invoiced', 'cancelled'
    )
