-- Receivables aging: one row per customer and bucket holding open items (signed).
create or replace table mart.ar_aging as
with
open_item as (
    select * from core.open_item
),

bucket as (
    select *
    from (
        values
            ('not_due', 1), ('1_30', 2), ('31_60', 3), ('61_90', 4), ('over_90', 5)
    ) as bucket (bucket, bucket_order)
),

final as (
    select
        open_item.customer_id,
        open_item.aging_bucket as bucket,
        bucket.bucket_order,
        sum(open_item.amount_open)::decimal(18,2) as amount,
        count(*) as item_count
    from open_item
    inner join bucket
        on bucket.bucket = open_item.aging_bucket
    group by open_item.customer_id, open_item.aging_bucket, bucket.bucket_order
    order by open_item.customer_id, bucket.bucket_order
)

select * from final
