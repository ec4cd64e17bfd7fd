-- needs: core.invoice_payment
-- Each customer's payment history, one row per settled invoice (the payment behaviour
-- chart): days-to-pay, days late and on time, latest settled first. Every column of
-- core.invoice_payment, so a snapshot built before one was added still serves.
select
    row_number() over (
        partition by r.customer_id
        order by r.paid_date desc nulls last, r.source, r.source_id
    ) as seq,
    -- The item's fields, in the order its JSON lists them (serving/list_chunks.sql).
    r.*
from core.invoice_payment as r
