-- The quotes open on the as-of date by age since issue (core.open_quote): how many and
-- how much in each bucket, all buckets shown. Parameters: $segment.
with
bucket as (
    select *
    from (
        values
            (1, '0-15', 0, 15),
            (2, '16-30', 16, 30),
            (3, '31-60', 31, 60),
            (4, '61-90', 61, 90),
            (5, 'over_90', 91, null)
    ) as b (rank, bucket, low, high)
),

open_quote as (
    select q.amount, greatest(coalesce(q.age_days, 0), 0) as age_days
    from core.open_quote as q
    inner join core.customer as c on c.customer_id = q.customer_id
    where $segment is null or coalesce(c.segment, '(none)') = $segment
)

select
    b.bucket,
    count(q.age_days)::bigint as quote_count,
    coalesce(sum(q.amount), 0)::decimal(18, 2) as amount
from bucket as b
left join open_quote as q
    on q.age_days >= b.low
    and (b.high is null or q.age_days <= b.high)
group by b.rank, b.bucket
order by b.rank
