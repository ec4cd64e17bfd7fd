-- Receivables aging: one row per customer and bucket holding an amount or an item. The
-- amounts are core.customer_balance's buckets (what remains of the debit items after the
-- unallocated cash, the credit balance negative in 'not_due'), so they sum to the
-- outstanding; item_count counts the debit items with something left in the bucket.
create or replace table mart.ar_aging as
with
balance as (
    select * from core.customer_balance
),

open_item as (
    select * from core.open_item
),

bucket_amount as (
    select
        balance.customer_id,
        bucket.bucket,
        bucket.bucket_order,
        bucket.amount
    from balance
    cross join lateral (
        values
            ('not_due', 1, balance.aging_not_due_amount),
            ('1_30', 2, balance.aging_1_30_amount),
            ('31_60', 3, balance.aging_31_60_amount),
            ('61_90', 4, balance.aging_61_90_amount),
            ('over_90', 5, balance.aging_over_90_amount)
    ) as bucket (bucket, bucket_order, amount)
),

bucket_item as (
    select
        open_item.customer_id,
        open_item.aging_bucket as bucket,
        count(*) as item_count
    from open_item
    where open_item.aging_bucket is not null
    group by open_item.customer_id, open_item.aging_bucket
),

final as (
    select
        bucket_amount.customer_id,
        bucket_amount.bucket,
        bucket_amount.bucket_order,
        bucket_amount.amount::decimal(18,2) as amount,
        coalesce(bucket_item.item_count, 0) as item_count
    from bucket_amount
    left join bucket_item
        on bucket_item.customer_id = bucket_amount.customer_id
        and bucket_item.bucket = bucket_amount.bucket
    where bucket_amount.amount <> 0
        or bucket_item.item_count > 0
    order by bucket_amount.customer_id, bucket_amount.bucket_order
)

select * from final
