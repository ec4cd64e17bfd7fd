-- needs: mart.ar_aging, mart.customer_360
-- The receivables totals and the amount per aging bucket, one document.
create or replace table serving.aging as
with per_bucket as (
    select
        a.bucket,
        sum(a.amount) as amount,
        count(distinct a.customer_id) filter (where a.amount <> 0) as customer_count
    from mart.ar_aging as a
    group by a.bucket
),

total as (
    select
        coalesce(sum(c.outstanding_amount), 0) as total_amount,
        coalesce(sum(c.overdue_amount), 0) as overdue_amount
    from mart.customer_360 as c
)

select
    to_json(struct_pack(
        total_amount := total.total_amount,
        overdue_amount := total.overdue_amount,
        buckets := coalesce((select list(per_bucket order by per_bucket.bucket) from per_bucket), [])
    ))::varchar as doc
from total
