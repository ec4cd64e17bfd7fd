-- needs: core.contact
-- order: item.last_name nulls last, item.first_name, item.source, item.source_id
-- Each customer's rows; `order:` is the order the API pages them in (serving/list_items.sql).
select
    -- The item's fields, in the order of its Arrow file's columns.
    r.*
from (
    select
        c.customer_id,
        c.source,
        c.source_id,
        c.first_name,
        c.last_name,
        c.full_name,
        c.email,
        c.phone,
        c.job_title
    from core.contact as c
    where c.customer_id is not null
) as r
