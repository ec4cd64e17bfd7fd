select
    coalesce(sum(c.outstanding_amount), 0) as total_amount,
    coalesce(sum(c.overdue_amount), 0) as overdue_amount
from mart.customer_360 as c
