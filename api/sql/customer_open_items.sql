-- Every column of the item (source, document, due date and its rule, amount open,
-- allocated to unallocated cash, remaining, days overdue, bucket): `*` so that a snapshot
-- built before the allocation columns existed is still served, those fields empty.
select i.* exclude (customer_id)
from core.open_item as i
where i.customer_id = $customer_id
