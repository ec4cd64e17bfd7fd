-- mart.customer_360: customer_id is unique and not null, one row per golden customer.
select customer_id, count(*) as row_count
from mart.customer_360
group by customer_id
having customer_id is null or count(*) > 1
union all
select customer.customer_id, 0
from core.customer as customer
anti join mart.customer_360 as customer_360
    on customer_360.customer_id = customer.customer_id
