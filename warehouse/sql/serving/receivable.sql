-- needs: mart.customer_360
-- Customers owing something, the largest balance first (the aging report's top debtors),
-- and their rank among those with an overdue balance (the overdue list).
create or replace table serving.receivable as
with owing as (
    select
        c.customer_id,
        c.name,
        c.owner,
        c.segment,
        c.outstanding_amount,
        c.overdue_amount,
        c.oldest_overdue_days,
        c.credit_limit_amount,
        c.credit_utilisation
    from mart.customer_360 as c
    where coalesce(c.outstanding_amount, 0) <> 0 or coalesce(c.overdue_amount, 0) > 0
)

select
    case when coalesce(r.outstanding_amount, 0) <> 0 then row_number() over (
        partition by coalesce(r.outstanding_amount, 0) <> 0
        order by r.outstanding_amount desc, r.customer_id
    ) end as top_seq,
    case when coalesce(r.overdue_amount, 0) > 0 then row_number() over (
        partition by coalesce(r.overdue_amount, 0) > 0
        order by r.overdue_amount desc, r.customer_id
    ) end as overdue_seq,
    r.owner,
    r.segment,
    to_json(r)::varchar as doc
from owing as r
