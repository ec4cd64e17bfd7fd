-- A served sub-list's items as written to its Arrow file (warehouse/serving.py): every
-- customer's items together, in customer order, then in the list's own order (seq, the
-- item's place among the customer's, serving/<list>.sql). A customer's page is then a
-- range of rows, found by the list's index (serving/list_index.sql) in the same order.
-- {columns}: the item's fields (not customer_id: the index says whose they are), money
-- and dates as text.
select {columns}
from {items}
where customer_id is not null
order by customer_id, seq
