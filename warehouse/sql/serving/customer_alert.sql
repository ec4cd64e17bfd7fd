-- needs: mart.alert, mart.customer_360
-- order: item.alert_type, item.reference, item.message, item.severity, item.amount, item.since, item.age_days, item.subject, item.owner
-- A customer's alerts as the profile lists them (by alert type), each document in the
-- shape of the API's AlertOut (api/schemas.py). The order is total but for alerts whose
-- documents are the same: GET /alerts reads these documents by their place in the list
-- (serving/alert.sql numbers the places by the same order).
select
    a.customer_id,
    -- The order (ties of a type by their reference, then their message, then every other
    -- field of the document); the list stores the documents alone.
    a.alert_type,
    a.reference,
    a.message,
    a.severity,
    a.amount,
    a.since,
    a.age_days,
    a.subject,
    a.owner,
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
