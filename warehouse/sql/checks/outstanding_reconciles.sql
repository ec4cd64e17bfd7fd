-- Σ mart.customer_360.outstanding_amount = Σ core.open_item.amount_open.
with
mart_total as (
    select coalesce(sum(outstanding_amount), 0) as amount from mart.customer_360
),

item_total as (
    select coalesce(sum(amount_open), 0) as amount from core.open_item
)

select mart_total.amount as mart_amount, item_total.amount as open_item_amount
from mart_total
cross join item_total
where mart_total.amount <> item_total.amount
