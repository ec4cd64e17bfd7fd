-- A served sub-list's items as written to its Arrow file (warehouse/serving.py): every
-- customer's items together, in customer order, then in the list's own order (the
-- `-- order:` line of serving/<list>.sql, over its columns as `item`). A customer's page
-- is then a range of rows, found by the list's index in the same order (each customer's
-- run of rows, from the customer ids, which come first and are not written to the file:
-- warehouse/serving_lists.py), and a page's cursor is its last item's position among the
-- customer's. One sort: a rank per customer (a window) and a sort by it would sort the
-- items twice. {columns}: the item's fields (not a seq, which only orders them), money,
-- dates and times typed. {order}: the list's order.
select customer_id, {columns}
from {items}
where customer_id is not null
order by customer_id, {order}
