select
    i.source,
    i.document_ref,
    i.document_date,
    i.due_date,
    i.amount_open,
    i.days_overdue
from core.open_item as i
where i.customer_id = $customer_id
