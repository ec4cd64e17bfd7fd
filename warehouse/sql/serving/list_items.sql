-- A served list's items as written to its Arrow file (warehouse/serving_lists.py). The
-- customer id comes first: the rest is written to the file, and the list's index (where
-- each customer's rows start, how many there are) is made from the ids as written.
-- {columns}: the item's fields (not a seq, which only orders them), money, dates and times
-- typed. {order_by}: the sort, by the list's `-- order:` line (serving/<list>.sql):
-- - an order over its columns: sorted by customer id, then that order, so every customer's
--   items are together, in customer order, then the list's own; a customer's page is a
--   range of rows and its cursor is its last item's position among the customer's. One
--   sort: a rank per customer (a window) and a sort by it would sort the items twice;
-- - `none` (one item per customer, the profile): nothing, the select's own order, as
--   sorting kilobytes of JSON per customer would cost more than writing them.
select customer_id, {columns}
from {items}
where customer_id is not null
{order_by}
