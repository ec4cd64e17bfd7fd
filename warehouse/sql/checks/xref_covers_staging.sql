-- requires: stg
-- Every live staging customer of a configured source appears in the xref exactly once.
with
staged as (
    select staged.source, staged.source_id, count(*) as staged_rows
    from stg.staging.customer as staged
    inner join core.source as source_config
        on source_config.name = staged.source
    where not staged.is_deleted
    group by staged.source, staged.source_id
),

xref as (
    select customer_xref.source, customer_xref.source_id, count(*) as xref_rows
    from core.customer_xref as customer_xref
    group by customer_xref.source, customer_xref.source_id
)

select staged.source, staged.source_id, coalesce(xref.xref_rows, 0) as xref_rows
from staged
left join xref
    on xref.source = staged.source
    and xref.source_id = staged.source_id
where coalesce(xref.xref_rows, 0) <> 1
