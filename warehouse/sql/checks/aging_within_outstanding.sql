-- Per customer, 0 ≤ overdue ≤ max(outstanding, 0), the credit balance is not negative,
-- and the aging buckets (mart.customer_360 and mart.ar_aging alike) sum to the outstanding.
with
customer_360 as (
    select * from mart.customer_360
),

ar_aging as (
    select
        ar_aging.customer_id,
        sum(ar_aging.amount) as aging_amount
    from mart.ar_aging as ar_aging
    group by ar_aging.customer_id
),

compared as (
    select
        customer_360.customer_id,
        customer_360.outstanding_amount,
        customer_360.overdue_amount,
        customer_360.credit_balance_amount,
        customer_360.aging_not_due_amount
            + customer_360.aging_1_30_amount
            + customer_360.aging_31_60_amount
            + customer_360.aging_61_90_amount
            + customer_360.aging_over_90_amount as bucket_amount,
        coalesce(ar_aging.aging_amount, 0) as ar_aging_amount
    from customer_360
    full join ar_aging
        on ar_aging.customer_id = customer_360.customer_id
)

select *
from compared
where compared.customer_id is null
    or compared.overdue_amount < 0
    or compared.overdue_amount > greatest(compared.outstanding_amount, 0)
    or compared.credit_balance_amount < 0
    or compared.bucket_amount <> compared.outstanding_amount
    or compared.ar_aging_amount <> compared.outstanding_amount
