-- needs: core.invoice
-- Each customer's rows in the order the API pages them; seq is the keyset cursor.
select
    row_number() over (partition by r.customer_id order by r.issue_date desc nulls last, r.source, r.source_id) as seq,
    -- The item's fields, in the order its JSON lists them (serving/list_chunks.sql).
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
