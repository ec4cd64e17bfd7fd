-- needs: core.contact
-- Each customer's rows in the order the API pages them; seq is the keyset cursor.
select
    row_number() over (partition by r.customer_id order by r.last_name nulls last, r.first_name, r.source, r.source_id) as seq,
    -- The item's fields, in the order its JSON lists them (serving/list_chunks.sql).
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
