-- Open support tickets, one row each: status open or pending (waiting on the customer),
-- or no status and no closing date. priority_rank orders urgent (4) > high > medium >
-- low (1). Tickets naming no known customer (nor a contact of one) are left out.
create or replace table core.open_ticket as
select
    ticket.customer_id,
    ticket.source,
    ticket.source_id,
    coalesce(ticket.ticket_number, ticket.source_id) as ticket_number,
    ticket.subject,
    ticket.status,
    ticket.priority,
    case ticket.priority
        when 'urgent' then 4 when 'high' then 3 when 'medium' then 2 when 'low' then 1
    end as priority_rank,
    ticket.owner,
    ticket.opened_at
from core.ticket as ticket
where ticket.customer_id is not null
    and (
        ticket.status in ('open', 'pending')
        or (ticket.status is null and ticket.closed_at is null)
    )
order by ticket.customer_id, ticket.opened_at, ticket.source, ticket.source_id
