-- needs: core.opportunity
-- Each customer's rows in the order the API pages them; seq is the keyset cursor.
select
    row_number() over (partition by r.customer_id order by r.close_date desc nulls last, r.source, r.source_id) as seq,
    -- The item's fields, in the order its JSON lists them (serving/list_chunks.sql).
    r.*
from (
    select
        o.customer_id,
        o.source,
        o.source_id,
        o.name,
        o.stage,
        o.status,
        o.amount,
        o.probability,
        o.close_date,
        o.owner
    from core.opportunity as o
    where o.customer_id is not null
) as r
