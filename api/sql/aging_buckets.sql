select
    a.bucket,
    sum(a.amount) as amount,
    count(distinct a.customer_id) filter (where a.amount <> 0) as customer_count
from mart.ar_aging as a
group by a.bucket
