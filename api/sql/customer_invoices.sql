select
    i.source,
    i.source_id,
    i.invoice_number,
    i.kind,
    i.status,
    i.issue_date,
    i.due_date,
    i.amount_excl_tax,
    i.amount_incl_tax,
    i.amount_open,
    i.currency
from core.invoice as i
where i.customer_id = $customer_id
