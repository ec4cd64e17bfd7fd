select customer_id
from core.customer_redirect
where old_customer_id = $customer_id
order by build_id desc
limit 1
