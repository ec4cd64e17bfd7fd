-- needs: mart.balance_history
-- order: item.build_date
-- Each customer's rows; `order:` is the order the API pages them in (serving/list_items.sql).
select
    -- The item's fields, in the order of its Arrow file's columns.
    r.*
from (
    select
        b.customer_id,
        b.build_date,
        b.outstanding_amount,
        b.overdue_amount
    from mart.balance_history as b
    where b.customer_id is not null
) as r
