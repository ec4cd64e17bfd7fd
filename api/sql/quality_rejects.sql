select
    r.source,
    r.reason,
    count(*) as count
from meta.reject as r
group by r.source, r.reason
order by r.source, count desc, r.reason
