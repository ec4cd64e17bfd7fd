-- needs: core.invoice, core.sales_order, core.opportunity, core.payment
-- Invoices, orders, opportunities and payments of each customer merged, newest first.
create or replace table serving.customer_timeline as
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
        i.currency
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
        o.currency
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
        p.currency
    from core.payment as p
)

select
    r.customer_id,
    row_number() over (
        partition by r.customer_id
        order by r.event_date desc nulls last, r.event_type, r.source, r.source_id
    ) as seq,
    to_json(r)::varchar as doc
from event as r
where r.customer_id is not null
