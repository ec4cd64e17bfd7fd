-- needs: mart.balance_history
-- Each customer's rows in the order the API pages them; seq is the keyset cursor.
select
    row_number() over (partition by r.customer_id order by r.build_date) as seq,
    -- The item's fields, in the order its JSON lists them (serving/list_chunks.sql).
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
