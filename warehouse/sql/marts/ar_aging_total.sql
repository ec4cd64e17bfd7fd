-- Bucket totals over all customers (a view on mart.ar_aging).
create or replace view mart.ar_aging_total as
with
ar_aging as (
    select * from mart.ar_aging
),

final as (
    select
        ar_aging.bucket,
        ar_aging.bucket_order,
        sum(ar_aging.amount)::decimal(18,2) as amount,
        count(distinct ar_aging.customer_id) as customer_count
    from ar_aging
    group by ar_aging.bucket, ar_aging.bucket_order
    order by ar_aging.bucket_order
)

select * from final
