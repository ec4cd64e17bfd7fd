select
    f.field,
    count(*) as count
from core.customer_conflict as f
group by f.field
order by count desc, f.field
