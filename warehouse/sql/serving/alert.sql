-- needs: mart.alert, mart.customer_360
-- Every alert, most severe first; filters bind owner and alert type, paging reads seq.
-- A customer's alert is not written twice: `place` is its row in the customer_alert list
-- (where the profile reads it), numbered by that list's order (serving/customer_alert.sql:
-- customers in id order, then its `-- order:` line, total but for alerts whose documents
-- are the same); GET /alerts reads its document there, with `owner` (the alert's, else
-- its customer's). Only an alert of no customer (a stale source) has its document here.
create or replace table serving.alert as
with alert as (
    select
        a.customer_id,
        c.name as customer_name,
        a.alert_type,
        a.severity,
        a.message,
        coalesce(a.owner, c.owner) as owner,
        a.owner as alert_owner,
        a.amount,
        a.reference,
        a.since,
        a.age_days,
        a.subject,
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
)

select
    row_number() over (
        order by r.severity_rank, r.amount desc nulls last, r.customer_id, r.alert_type
    ) as seq,
    r.owner,
    r.alert_type,
    case when r.customer_id is not null then row_number() over (
        partition by r.customer_id is null
        order by
            r.customer_id, r.alert_type, r.reference, r.message, r.severity, r.amount,
            r.since, r.age_days, r.subject, r.alert_owner
    ) - 1 end as place,
    case when r.customer_id is null then to_json({
        'customer_id': r.customer_id,
        'customer_name': r.customer_name,
        'alert_type': r.alert_type,
        'severity': r.severity,
        'message': r.message,
        'owner': r.owner,
        'amount': c360_amount(r.amount),
        'reference': r.reference,
        'since': r.since,
        'age_days': r.age_days,
        'subject': r.subject
    })::varchar end as doc
from alert as r
