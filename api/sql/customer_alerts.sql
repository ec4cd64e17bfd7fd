select
    a.customer_id,
    a.alert_type,
    a.severity,
    a.message,
    a.owner,
    a.amount
from mart.alert as a
where a.customer_id = $customer_id
order by a.alert_type
