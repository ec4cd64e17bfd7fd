select
    o.close_date as event_date,
    'opportunity' as event_type,
    o.source,
    o.source_id,
    o.name as reference,
    coalesce(o.stage, o.status) as status,
    o.amount,
    null as currency
from core.opportunity as o
where o.customer_id = $customer_id
