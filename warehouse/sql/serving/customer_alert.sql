-- needs: mart.alert, mart.customer_360
-- order: item.alert_type, item.reference, item.message
-- A customer's alerts as the profile lists them (by alert type), each document in the
-- shape of the API's AlertOut (api/schemas.py).
select
    a.customer_id,
    -- The order (ties of a type by their reference, then their message); the list
    -- stores the documents alone.
    a.alert_type,
    a.reference,
    a.message,
    to_json({
        'customer_id': a.customer_id,
        'customer_name': c.name,
        'alert_type': a.alert_type,
        'severity': a.severity,
        'message': a.message,
        'owner': a.owner,
        'amount': c360_amount(a.amount),
        'reference': a.reference,
        'since': a.since,
        'age_days': a.age_days,
        'subject': a.subject
    })::varchar as doc
from mart.alert as a
left join mart.customer_360 as c on a.customer_id = c.customer_id
where a.customer_id is not null
