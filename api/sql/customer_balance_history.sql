select
    b.build_date,
    b.outstanding_amount,
    b.overdue_amount
from mart.balance_history as b
where b.customer_id = $customer_id
