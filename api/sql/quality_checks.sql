select
    d.check_name,
    d.severity,
    count(*) as count
from mart.data_quality as d
group by d.check_name, d.severity
order by d.check_name, d.severity
