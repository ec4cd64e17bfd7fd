-- needs: core.invoice_payment
-- Each customer's payment history, one row per settled invoice (the payment behaviour
-- chart): days-to-pay, days late and on time, latest settled first.
create or replace table serving.customer_payment as
select
    r.customer_id,
    row_number() over (
        partition by r.customer_id
        order by r.paid_date desc nulls last, r.source, r.source_id
    ) as seq,
    to_json(r)::varchar as doc
from (
    select
        p.customer_id,
        p.source,
        p.source_id,
        p.invoice_number,
        p.issue_date,
        p.due_date,
        p.amount,
        p.currency,
        p.paid_date,
        p.payment_refs,
        p.payment_count,
        p.basis,
        p.days_to_pay,
        p.days_late,
        p.paid_on_time
    from core.invoice_payment as p
) as r
