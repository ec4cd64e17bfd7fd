-- needs: core.ticket, core.open_ticket
-- Each customer's support tickets: open and pending ones first, then by opening date,
-- latest first.
select
    row_number() over (
        partition by r.customer_id
        order by r.is_open desc, r.opened_at desc nulls last, r.source, r.source_id
    ) as seq,
    -- The item's fields, in the order its JSON lists them (serving/list_chunks.sql).
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
