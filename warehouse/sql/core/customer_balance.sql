-- Per golden customer: outstanding (signed Σ of open items), overdue and aging buckets.
create or replace table core.customer_balance as
with
open_item as (
    select * from core.open_item
),

final as (
    select
        open_item.customer_id,
        sum(open_item.amount_open)::decimal(18,2) as outstanding_amount,
        coalesce(sum(open_item.amount_open) filter (where open_item.days_overdue > 0), 0)
            ::decimal(18,2) as overdue_amount,
        max(open_item.days_overdue) filter (where open_item.days_overdue > 0)
            as oldest_overdue_days,
        coalesce(sum(open_item.amount_open) filter (where open_item.aging_bucket = 'not_due'), 0)
            ::decimal(18,2) as aging_not_due_amount,
        coalesce(sum(open_item.amount_open) filter (where open_item.aging_bucket = '1_30'), 0)
            ::decimal(18,2) as aging_1_30_amount,
        coalesce(sum(open_item.amount_open) filter (where open_item.aging_bucket = '31_60'), 0)
            ::decimal(18,2) as aging_31_60_amount,
        coalesce(sum(open_item.amount_open) filter (where open_item.aging_bucket = '61_90'), 0)
            ::decimal(18,2) as aging_61_90_amount,
        coalesce(sum(open_item.amount_open) filter (where open_item.aging_bucket = 'over_90'), 0)
            ::decimal(18,2) as aging_over_90_amount,
        -- a customer a steward merged may hold groups of both bases (core/open_item)
        case when count(distinct open_item.basis) > 1 then 'mixed' else any_value(open_item.basis) end
            as balance_basis
    from open_item
    group by open_item.customer_id
)

select * from final
