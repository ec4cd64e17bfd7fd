-- needs: core.ticket, core.open_ticket
-- order: item.is_open desc, item.opened_at desc nulls last, item.source, item.source_id
-- Each customer's support tickets: open and pending ones first, then by opening date,
-- latest first.
select
    -- The item's fields, in the order of its Arrow file's columns.
    r.*
from (
    select
        t.customer_id,
        t.source,
        t.source_id,
        coalesce(t.ticket_number, t.source_id) as ticket_number,
        t.subject,
        t.status,
        t.priority,
        t.owner,
        t.opened_at,
        t.closed_at,
        -- The same rule as core.open_ticket: open or pending, or no status and not closed.
        exists (
            select 1
            from core.open_ticket as o
            where o.source = t.source and o.source_id = t.source_id
        ) as is_open
    from core.ticket as t
    where t.customer_id is not null
) as r
