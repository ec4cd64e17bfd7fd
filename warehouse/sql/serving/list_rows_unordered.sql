-- The rows of a list of one item per customer (`-- order: none`, the profile), in the
-- select's own order: sorting them (kilobytes of JSON each) is what it would cost. The
-- customer id comes first: warehouse/serving_lists.py writes the rest to the list's Arrow
-- file and makes the list's index from the ids. {columns}: the item's fields.
select customer_id, {columns}
from {items}
where customer_id is not null
