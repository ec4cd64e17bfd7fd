-- Per golden customer: outstanding (signed Σ of open items), unallocated cash, credit
-- balance, overdue and aging buckets. Overdue and the buckets sum what remains of the
-- debit items once the unallocated cash covered the oldest (core.open_item); the credit
-- left after every debit is a credit balance, counted negative in 'not_due', so that
-- the buckets sum to the outstanding and 0 ≤ overdue ≤ max(outstanding, 0).
create or replace table core.customer_balance as
with
open_item as (
    select * from core.open_item
),

summed as (
    select
        open_item.customer_id,
        sum(open_item.amount_open) as outstanding_amount,
        coalesce(-sum(open_item.amount_open) filter (where open_item.amount_open < 0), 0)
            as unallocated_cash_amount,
        coalesce(sum(open_item.amount_open) filter (where open_item.amount_open > 0), 0)
            as debit_amount,
        coalesce(sum(open_item.amount_remaining) filter (where open_item.days_overdue > 0), 0)
            as overdue_amount,
        max(open_item.days_overdue) filter (where open_item.days_overdue > 0)
            as oldest_overdue_days,
        coalesce(sum(open_item.amount_remaining) filter (where open_item.aging_bucket = 'not_due'), 0)
            as remaining_not_due_amount,
        coalesce(sum(open_item.amount_remaining) filter (where open_item.aging_bucket = '1_30'), 0)
            as aging_1_30_amount,
        coalesce(sum(open_item.amount_remaining) filter (where open_item.aging_bucket = '31_60'), 0)
            as aging_31_60_amount,
        coalesce(sum(open_item.amount_remaining) filter (where open_item.aging_bucket = '61_90'), 0)
            as aging_61_90_amount,
        coalesce(sum(open_item.amount_remaining) filter (where open_item.aging_bucket = 'over_90'), 0)
            as aging_over_90_amount,
        -- a customer a steward merged may hold groups of both bases (core/open_item)
        case when count(distinct open_item.basis) > 1 then 'mixed' else any_value(open_item.basis) end
            as balance_basis
    from open_item
    group by open_item.customer_id
),

credit as (
    select
        summed.*,
        greatest(0, summed.unallocated_cash_amount - summed.debit_amount) as credit_balance_amount
    from summed
),

final as (
    select
        credit.customer_id,
        credit.outstanding_amount::decimal(18,2) as outstanding_amount,
        credit.unallocated_cash_amount::decimal(18,2) as unallocated_cash_amount,
        credit.credit_balance_amount::decimal(18,2) as credit_balance_amount,
        credit.overdue_amount::decimal(18,2) as overdue_amount,
        credit.oldest_overdue_days,
        (credit.remaining_not_due_amount - credit.credit_balance_amount)::decimal(18,2)
            as aging_not_due_amount,
        credit.aging_1_30_amount::decimal(18,2) as aging_1_30_amount,
        credit.aging_31_60_amount::decimal(18,2) as aging_31_60_amount,
        credit.aging_61_90_amount::decimal(18,2) as aging_61_90_amount,
        credit.aging_over_90_amount::decimal(18,2) as aging_over_90_amount,
        credit.balance_basis
    from credit
)

select * from final
