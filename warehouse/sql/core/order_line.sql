-- Live order lines with the customer of their order.
create or replace table core.order_line as
with
staged as (
    select *
    from stg.staging.order_line
    where not is_deleted
),

sales_order as (
    select * from core.sales_order
),

final as (
    select
        sales_order.customer_id,
        staged.* exclude (is_deleted)
    from staged
    left join sales_order
        on sales_order.source = staged.source
        and sales_order.source_id = staged.order_source_id
)

select * from final
