-- needs: core.open_quote, core.customer, core.quote_outcome
-- GET /kpis/summary `relationship.quote_ageing`: the quotes open on the as-of date by age
-- since issue, how many and how much in each bucket, all buckets shown, for every scope
-- (`scope` '' = all segments, else one segment). A scope without open quotes has no row:
-- the API shows the buckets of scope '' with nothing in them.
create or replace table serving.kpi_quote_ageing as
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
    select
        coalesce(c.segment, '(none)') as segment,
        q.amount,
        greatest(coalesce(q.age_days, 0), 0) as age_days
    from core.open_quote as q
    inner join core.customer as c on c.customer_id = q.customer_id
),

scope as (
    select '' as scope
    union
    select q.segment from open_quote as q
),

counted as (
    select
        s.scope,
        b.rank,
        b.bucket,
        count(q.age_days)::bigint as quote_count,
        coalesce(sum(q.amount), 0)::decimal(18, 2) as amount
    from scope as s
    cross join bucket as b
    left join open_quote as q
        on (s.scope = '' or q.segment = s.scope)
        and q.age_days >= b.low
        and (b.high is null or q.age_days <= b.high)
    group by s.scope, b.rank, b.bucket
)

select
    c.scope,
    to_json(list({
        'bucket': c.bucket, 'quote_count': c.quote_count, 'amount': c.amount
    } order by c.rank))::varchar as doc
from counted as c
group by c.scope
