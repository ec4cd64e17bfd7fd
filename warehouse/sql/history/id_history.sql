-- The id a record carried before this build, when it changes (so a split can give a part
-- back the id it had before a merge). Parameters: $build_id.
insert into hist.id_history
select id_registry.source, id_registry.source_id, id_registry.customer_id, $build_id
from hist.id_registry as id_registry
inner join core.customer_xref as customer_xref
    on customer_xref.source = id_registry.source
    and customer_xref.source_id = id_registry.source_id
where customer_xref.customer_id <> id_registry.customer_id
on conflict (source, source_id, customer_id) do nothing
