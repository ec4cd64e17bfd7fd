-- Everything a salesperson may be told about their customers, now: the sales alerts of
-- mart.alert (per customer and type, amounts summed, each finding's parameters kept in
-- `facts` for the reader's language), overdue balances, and each customer's outstanding
-- (the base of a balance jump, never shown by itself).
-- The snapshot is attached read-only as `snap`. Parameters: $alert_types.
create or replace temp table digest_item as
with
customer as (
    select
        customer_360.customer_id,
        customer_360.name,
        customer_360.owner,
        customer_360.currency,
        customer_360.outstanding_amount,
        customer_360.overdue_amount,
        customer_360.oldest_overdue_days
    from snap.mart.customer_360 as customer_360
    where customer_360.owner is not null
),

alert as (
    select
        alert.customer_id,
        alert.alert_type as kind,
        sum(alert.amount) as amount,
        -- the mart's severity orders a capped digest (high first)
        min(case alert.severity when 'high' then 1 when 'medium' then 2 else 3 end)
            as severity_rank,
        list({
            'reference': alert.reference,
            'since': alert.since,
            'age_days': alert.age_days,
            'subject': alert.subject,
            'amount': alert.amount
        } order by alert.since, alert.reference) as facts
    from snap.mart.alert as alert
    where alert.customer_id is not null
        and alert.alert_type in (select unnest($alert_types::varchar[]))
    group by alert.customer_id, alert.alert_type
),

finding as (
    select alert.customer_id, alert.kind, alert.amount, alert.facts, alert.severity_rank
    from alert
    union all
    select customer.customer_id, 'overdue', customer.overdue_amount, null, 2
    from customer
    where customer.overdue_amount > 0
    union all
    select customer.customer_id, 'outstanding', customer.outstanding_amount, null, null
    from customer
)

select
    customer.owner,
    customer.customer_id,
    customer.name,
    customer.currency,
    customer.oldest_overdue_days,
    finding.kind,
    finding.amount::decimal(18,2) as amount,
    finding.facts,
    finding.severity_rank
from finding
inner join customer
    on customer.customer_id = finding.customer_id
