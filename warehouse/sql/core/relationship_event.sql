-- The relationship side of each customer's timeline, one event per activity (on its
-- date), ticket (on its opening) and quote (on its issue, with its outcome as status),
-- in the columns of serving.customer_timeline. kind: the activity's kind (call, email,
-- meeting, note, task) or the ticket's priority.
create or replace table core.relationship_event as
select
    activity.customer_id,
    activity.occurred_at::date as event_date,
    'activity' as event_type,
    activity.source,
    activity.source_id,
    activity.subject as reference,
    activity.status,
    null::decimal(18,2) as amount,
    null::varchar as currency,
    activity.kind,
    activity.subject
from core.activity as activity
where activity.customer_id is not null
union all
select
    ticket.customer_id,
    ticket.opened_at::date,
    'ticket',
    ticket.source,
    ticket.source_id,
    coalesce(ticket.ticket_number, ticket.source_id),
    ticket.status,
    null,
    null,
    ticket.priority,
    ticket.subject
from core.ticket as ticket
where ticket.customer_id is not null
union all
select
    quote.customer_id,
    quote.issue_date,
    'quote',
    quote.source,
    quote.source_id,
    quote.quote_number,
    quote.outcome,
    quote.amount,
    quote.currency,
    null,
    null
from core.quote_outcome as quote
