-- A served sub-list's index: for each customer, the row of its first item in the list's
-- Arrow file (serving/list_items.sql: customers in this same order) and its item count.
-- Ordered by customer_id, the SQLite key's order, so its B-tree fills by appending.
select
    customer_id,
    (sum(count(*)) over (order by customer_id) - count(*))::bigint as first,
    count(*) as total
from {items}
where customer_id is not null
group by customer_id
order by customer_id
