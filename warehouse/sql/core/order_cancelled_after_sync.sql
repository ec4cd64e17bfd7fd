-- Orders cancelled after they were synchronised: cancelled now, while an earlier build
-- saw them in a committed state (confirmed, shipped, delivered, invoiced). The order
-- statuses each build saw are kept in history (hist.order_status).
create or replace table core.order_cancelled_after_sync as
with
cancelled as (
    select *
    from core.sales_order
    where status = 'cancelled'
),

seen_committed as (
    select
        order_status.source,
        order_status.source_id,
        arg_max(order_status.status, order_status.first_seen_build) as previous_status,
        max(order_status.first_seen_build) as seen_in_build
    from hist.order_status as order_status
    where order_status.status in ('confirmed', 'shipped', 'delivered', 'invoiced')
    group by order_status.source, order_status.source_id
),

final as (
    select
        cancelled.customer_id,
        cancelled.source,
        cancelled.source_id,
        cancelled.order_number,
        cancelled.amount_excl_tax,
        seen_committed.previous_status,
        seen_committed.seen_in_build
    from cancelled
    inner join seen_committed
        on seen_committed.source = cancelled.source
        and seen_committed.source_id = cancelled.source_id
)

select * from final
