-- needs: core.open_item
-- Each customer's rows in the order the API pages them; seq is the keyset cursor.
select
    row_number() over (partition by r.customer_id order by r.due_date nulls last, r.document_ref) as seq,
    -- The item's fields, in the order its JSON lists them (serving/list_chunks.sql).
    r.*
from (
    -- Every column of the item (`*`): a snapshot built before the allocation columns
    -- existed is still served, those fields empty.
    select i.*
    from core.open_item as i
    where i.customer_id is not null
) as r
