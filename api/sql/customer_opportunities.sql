select
    o.source,
    o.source_id,
    o.name,
    o.stage,
    o.status,
    o.amount,
    o.probability,
    o.close_date,
    o.owner
from core.opportunity as o
where o.customer_id = $customer_id
