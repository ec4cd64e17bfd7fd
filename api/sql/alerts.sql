select
    a.customer_id,
    c.name as customer_name,
    a.alert_type,
    a.severity,
    a.message,
    coalesce(a.owner, c.owner) as owner,
    a.amount,
    case lower(coalesce(a.severity, ''))
        when 'critical' then 0
        when 'high' then 1
        when 'error' then 1
        when 'warning' then 2
        when 'medium' then 2
        when 'low' then 3
        when 'info' then 4
        else 5
    end as severity_rank
from mart.alert as a
left join mart.customer_360 as c
    on a.customer_id = c.customer_id
where
    ($owner is null or coalesce(a.owner, c.owner) = $owner)
    and ($alert_type is null or a.alert_type = $alert_type)
