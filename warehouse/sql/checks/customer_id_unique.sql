-- core.customer: customer_id is unique and not null.
select customer_id, count(*) as row_count
from core.customer
group by customer_id
having customer_id is null or count(*) > 1
