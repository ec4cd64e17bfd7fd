select
    c.customer_id,
    c.name,
    c.owner,
    c.segment,
    c.outstanding_amount,
    c.overdue_amount,
    c.oldest_overdue_days,
    c.credit_limit_amount,
    c.credit_utilisation
from mart.customer_360 as c
where
    coalesce(c.overdue_amount, 0) > 0
    and ($owner is null or c.owner = $owner)
    and ($segment is null or c.segment = $segment)
