-- The 10 customers with the most revenue in a period (up to the as-of date).
-- Parameters: $date_from, $date_to (first days of months, or null), $segment, $as_of.
select
    c.customer_id,
    c.name,
    c.segment,
    c.owner,
    sum(r.revenue_amount)::decimal(18, 2) as revenue_amount
from core.revenue_line as r
inner join mart.customer_360 as c on c.customer_id = r.customer_id
where
    ($date_from is null or r.issue_date >= $date_from)
    and ($date_to is null or r.issue_date < $date_to::date + interval 1 month)
    and r.issue_date <= $as_of
    and ($segment is null or coalesce(c.segment, '(none)') = $segment)
group by all
order by revenue_amount desc, c.customer_id
limit 10
