-- needs: core.payment
-- order: item.event_date desc nulls last, item.source, item.source_id, item.event_type
-- The timeline's events that no other list holds: payments, activities, tickets and quotes
-- (core.relationship_event, no rows in a snapshot without it), in the timeline's order.
-- GET /customers/{id}/timeline merges them per request with the invoices, orders and
-- opportunities of their own lists (api/timeline.py), which are already in that order
-- (newest first, then source and source id, unique in each list), instead of the build
-- storing every invoice a second time.
with event as (
    select
        p.customer_id,
        p.payment_date as event_date,
        'payment' as event_type,
        p.source,
        p.source_id,
        p.invoice_ref as reference,
        p.method as status,
        p.amount,
        p.currency,
        null::varchar as kind,
        null::varchar as subject
    from core.payment as p
    union all
    select
        e.customer_id,
        e.event_date,
        e.event_type,
        e.source,
        e.source_id,
        e.reference,
        e.status,
        e.amount,
        e.currency,
        e.kind,
        e.subject
    from {relationship_events} as e
)

select
    -- The item's fields, in the order of its Arrow file's columns.
    r.*
from event as r
where r.customer_id is not null
