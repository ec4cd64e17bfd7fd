-- needs: core.invoice
-- order: item.issue_date desc nulls last, item.source, item.source_id
-- Each customer's rows; `order:` is the order the API pages them in (serving/list_items.sql).
select
    -- The item's fields, in the order of its Arrow file's columns.
    r.*
from (
    select
        i.customer_id,
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
    where i.customer_id is not null
) as r
