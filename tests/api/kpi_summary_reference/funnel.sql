-- Open pipeline by stage today: count, amount and weighted amount. Parameters: $segment.
select
    o.stage,
    count(*)::bigint as opportunity_count,
    sum(o.amount)::decimal(18, 2) as amount,
    sum(o.amount * coalesce(o.probability, 0))::decimal(18, 2) as weighted_amount
from core.opportunity as o
inner join core.customer as c on c.customer_id = o.customer_id
where
    o.status = 'open'
    and ($segment is null or coalesce(c.segment, '(none)') = $segment)
group by o.stage
order by weighted_amount desc, o.stage
