-- needs: core.invoice, core.sales_order, core.opportunity, core.payment
-- order: item.event_date desc nulls last, item.event_type, item.source, item.source_id
-- Invoices, orders, opportunities, payments, activities, tickets and quotes of each
-- customer merged, newest first (activities, tickets and quotes: core.relationship_event,
-- no rows in a snapshot without it).
with event as (
    select
        i.customer_id,
        i.issue_date as event_date,
        coalesce(i.kind, 'invoice') as event_type,
        i.source,
        i.source_id,
        i.invoice_number as reference,
        i.status,
        i.amount_incl_tax as amount,
        i.currency,
        null::varchar as kind,
        null::varchar as subject
    from core.invoice as i
    union all
    select
        o.customer_id,
        o.order_date,
        'order',
        o.source,
        o.source_id,
        o.order_number,
        o.status,
        o.amount_incl_tax,
        o.currency,
        null,
        null
    from core.sales_order as o
    union all
    select
        o.customer_id,
        o.close_date,
        'opportunity',
        o.source,
        o.source_id,
        o.name,
        coalesce(o.stage, o.status),
        o.amount,
        null,
        null,
        null
    from core.opportunity as o
    union all
    select
        p.customer_id,
        p.payment_date,
        'payment',
        p.source,
        p.source_id,
        p.invoice_ref,
        p.method,
        p.amount,
        p.currency,
        null,
        null
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
