-- needs: core.open_item
-- order: item.due_date nulls last, item.document_ref
-- Each customer's rows; `order:` is the order the API pages them in (serving/list_items.sql).
select
    -- The item's fields, in the order of its Arrow file's columns.
    r.*
from (
    -- Every column of the item (`*`): a snapshot built before the allocation columns
    -- existed is still served, those fields empty.
    select i.*
    from core.open_item as i
    where i.customer_id is not null
) as r
