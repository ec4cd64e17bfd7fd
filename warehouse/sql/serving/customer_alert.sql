-- needs: mart.alert
-- A customer's alerts as the profile lists them (by alert type).
create or replace table serving.customer_alert as
select
    r.customer_id,
    row_number() over (partition by r.customer_id order by r.alert_type) as seq,
    to_json(r)::varchar as doc
from (
    select
        a.customer_id,
        a.alert_type,
        a.severity,
        a.message,
        a.owner,
        a.amount,
        a.reference,
        a.since,
        a.age_days,
        a.subject
    from mart.alert as a
    where a.customer_id is not null
) as r
