-- needs: core.invoice_payment
-- order: item.paid_date desc nulls last, item.source, item.source_id
-- Each customer's payment history, one row per settled invoice (the payment behaviour
-- chart): days-to-pay, days late and on time, latest settled first. Every column of
-- core.invoice_payment, so a snapshot built before one was added still serves.
select
    -- The item's fields, in the order of its Arrow file's columns.
    r.*
from core.invoice_payment as r
