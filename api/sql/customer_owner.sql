select
    customer_id,
    owner
from mart.customer_360
where customer_id = $customer_id
