-- needs: core.orphan
create or replace table serving.quality_orphan as
select
    row_number() over (order by r.check_name, r.source, r.source_id) as seq,
    r.check_name,
    r.source,
    to_json(r)::varchar as doc
from (
    select
        o.check_name,
        o.object,
        o.source,
        o.source_id,
        o.document_ref,
        o.customer_source_id as names,
        o.reason,
        o.amount,
        o.open_amount,
        o.currency
    from core.orphan as o
) as r
