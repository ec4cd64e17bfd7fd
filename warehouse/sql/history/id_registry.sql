-- Each record's customer id as of this build; first_build is kept. Parameters: $build_id.
insert into hist.id_registry
select
    customer_xref.source,
    customer_xref.source_id,
    customer_xref.customer_id,
    $build_id
from core.customer_xref as customer_xref
on conflict (source, source_id) do update set customer_id = excluded.customer_id
