-- needs: core.revenue_line, mart.customer_360, mart.balance_history
-- GET /kpis/summary `top_customers`: the 10 customers with the most revenue (up to the
-- as-of date), for the periods the API offers (docs/api.md): every period ending at the
-- as-of month (`kind` 'from', `month` its first month; the months grid is dense from the
-- first month with revenue), and every single month (`kind` 'month'), in every scope
-- (`scope` '' = all segments, else one segment). One document per period and scope: a
-- request reads one row. Any period would need a sum per customer at request time.
-- Each scope's top 10 is taken among its segment's: the 10 of all segments are among the
-- union of each segment's 10 (same order: revenue, then customer id).
create or replace table serving.kpi_top_customer as
with
as_of as (
    select max(h.build_date) as as_of from mart.balance_history as h
),

customer as (
    select
        c.customer_id,
        c.name,
        c.segment,
        c.owner,
        coalesce(c.segment, '(none)') as scope
    from mart.customer_360 as c
),

-- Each customer's revenue per month, in its scope: joined before the group-by (grouping
-- first, then joining 8.2M customer-months at 1M customers, cost a third more).
scoped as materialized (
    select
        customer.scope,
        r.customer_id,
        date_trunc('month', r.issue_date)::date as month,
        sum(r.revenue_amount) as revenue_amount
    from core.revenue_line as r
    inner join customer on customer.customer_id = r.customer_id
    cross join as_of
    where r.issue_date <= as_of.as_of
    group by customer.scope, r.customer_id, date_trunc('month', r.issue_date)
),

grid as (
    select g.month::date as month
    from
        (select min(s.month) as first_month from scoped as s),
        as_of,
        generate_series(
            first_month, date_trunc('month', as_of.as_of::date), interval 1 month
        ) as g (month)
),

-- Each customer's revenue from one of its months to the as-of date; it is the customer's
-- total of every period starting after its previous month with revenue, up to this one.
suffix as materialized (
    select
        s.customer_id,
        s.scope,
        s.month,
        lag(s.month) over w as previous_month,
        sum(s.revenue_amount) over (w rows between current row and unbounded following)
            as revenue_amount
    from scoped as s
    window w as (partition by s.customer_id order by s.month)
),

-- A floor under the 10th total of every period starting at a month: the 10th of the
-- customers with revenue in that very month (some of that period's), or none when fewer;
-- then the lowest floor of the months up to each (none if one has none).
month_floor_at as (
    select
        sc.scope,
        g.month,
        case when count(s.customer_id) >= 10 then list_min(max(s.revenue_amount, 10)) end
            as floor_amount
    from (select distinct scope from scoped) as sc
    cross join grid as g
    left join suffix as s on s.scope = sc.scope and s.month = g.month
    group by sc.scope, g.month
),

keep_floor as (
    select
        f.scope,
        f.month,
        case
            when not bool_or(f.floor_amount is null) over w then min(f.floor_amount) over w
        end as floor_amount
    from month_floor_at as f
    window w as (
        partition by f.scope order by f.month rows between unbounded preceding and current row
    )
),

-- Every period's total per customer: one row per customer and start month up to its
-- last month with revenue, for the rows that can reach a top 10: a row stands for the
-- periods starting after its previous month up to its own, whose 10th totals are all at
-- or above the floor of its month.
start_total as materialized (
    select s.scope, g.month, s.customer_id, s.revenue_amount
    from suffix as s
    inner join keep_floor as k
        on k.scope = s.scope and k.month = s.month
        and (k.floor_amount is null or s.revenue_amount >= k.floor_amount)
    inner join grid as g
        on g.month <= s.month
        and (s.previous_month is null or g.month > s.previous_month)
),

-- The 10th largest total of each period (a top-N aggregate, no sort): only the rows at or
-- above it are ranked (ties with the 10th included, so the order below decides them).
start_floor as (
    select t.scope, t.month, list_min(max(t.revenue_amount, 10)) as floor_amount
    from start_total as t
    group by t.scope, t.month
),

month_floor as (
    select s.scope, s.month, list_min(max(s.revenue_amount, 10)) as floor_amount
    from scoped as s
    group by s.scope, s.month
),

segment_top as (
    select 'from' as kind, t.scope, t.month, t.customer_id, t.revenue_amount
    from start_total as t
    inner join start_floor as f
        on f.scope = t.scope and f.month = t.month and t.revenue_amount >= f.floor_amount
    qualify row_number() over (
        partition by t.scope, t.month order by t.revenue_amount desc, t.customer_id
    ) <= 10
    union all
    select 'month', s.scope, s.month, s.customer_id, s.revenue_amount
    from scoped as s
    inner join month_floor as f
        on f.scope = s.scope and f.month = s.month and s.revenue_amount >= f.floor_amount
    qualify row_number() over (
        partition by s.scope, s.month order by s.revenue_amount desc, s.customer_id
    ) <= 10
),

top as (
    select t.kind, t.scope, t.month, t.customer_id, t.revenue_amount
    from segment_top as t
    union all
    select t.kind, '', t.month, t.customer_id, t.revenue_amount
    from segment_top as t
    qualify row_number() over (
        partition by t.kind, t.month order by t.revenue_amount desc, t.customer_id
    ) <= 10
)

select
    t.kind,
    t.scope,
    strftime(t.month, '%Y-%m-%d') as month,
    to_json(list({
        'customer_id': t.customer_id,
        'name': c.name,
        'segment': c.segment,
        'owner': c.owner,
        'revenue_amount': t.revenue_amount::decimal(18, 2)
    } order by t.revenue_amount desc, t.customer_id))::varchar as doc
from top as t
inner join customer as c on c.customer_id = t.customer_id
group by t.kind, t.scope, t.month
