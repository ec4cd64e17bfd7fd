select
    i.issue_date as event_date,
    coalesce(i.kind, 'invoice') as event_type,
    i.source,
    i.source_id,
    i.invoice_number as reference,
    i.status,
    i.amount_incl_tax as amount,
    i.currency
from core.invoice as i
where i.customer_id = $customer_id
