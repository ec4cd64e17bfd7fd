-- needs: core.opportunity
-- order: item.close_date desc nulls last, item.source, item.source_id
-- Each customer's rows; `order:` is the order the API pages them in (serving/list_items.sql).
select
    -- The item's fields, in the order of its Arrow file's columns.
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
