-- needs: core.opportunity, core.customer
-- GET /kpis/summary `funnel`: the open pipeline by stage today, for every scope (`scope`
-- '' = all segments, else one segment), in the order the API lists it.
create or replace table serving.kpi_summary_funnel as
with
scoped as (
    select '' as scope, o.stage, o.amount, o.probability
    from core.opportunity as o
    inner join core.customer as c on c.customer_id = o.customer_id
    where o.status = 'open'
    union all
    select coalesce(c.segment, '(none)'), o.stage, o.amount, o.probability
    from core.opportunity as o
    inner join core.customer as c on c.customer_id = o.customer_id
    where o.status = 'open'
),

stage as (
    select
        s.scope,
        s.stage,
        count(*)::bigint as opportunity_count,
        sum(s.amount)::decimal(18, 2) as amount,
        sum(s.amount * coalesce(s.probability, 0))::decimal(18, 2) as weighted_amount
    from scoped as s
    group by s.scope, s.stage
)

select
    s.scope,
    row_number() over (
        partition by s.scope order by s.weighted_amount desc, s.stage
    ) as seq,
    to_json({
        'stage': s.stage,
        'opportunity_count': s.opportunity_count,
        'amount': s.amount,
        'weighted_amount': s.weighted_amount
    })::varchar as doc
from stage as s
