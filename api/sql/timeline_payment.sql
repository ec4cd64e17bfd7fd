select
    p.payment_date as event_date,
    'payment' as event_type,
    p.source,
    p.source_id,
    p.invoice_ref as reference,
    p.method as status,
    p.amount,
    p.currency
from core.payment as p
where p.customer_id = $customer_id
