-- needs: core.customer, core.customer_xref, core.source, meta.ingest_run
-- order: item.seq
-- Where each surviving field of a golden customer came from: the source that won
-- survivorship, its system and role, when that source last changed the customer's
-- record, and the run that loaded it.
with
-- seq: the field's place in the profile's order (by name), fixed, so no window over
-- every customer's fields orders them (a customer's seq may skip a field it lacks: the
-- list is read whole with the profile, never paged).
field as (
    select customer_id, 1 as seq, 'address' as field, address_source as source
    from core.customer
    union all
    select customer_id, 2, 'email', email_source from core.customer
    union all
    select customer_id, 3, 'name', name_source from core.customer
    union all
    select customer_id, 4, 'phone', phone_source from core.customer
    union all
    select customer_id, 5, 'siret', siret_source from core.customer
),

record as (
    select
        xref.customer_id,
        xref.source,
        max(xref.source_updated_at) as changed_at,
        max(xref.loaded_in_run) as record_run_id
    from core.customer_xref as xref
    group by xref.customer_id, xref.source
),

last_run as (
    select
        ingest_run.source,
        max(ingest_run.finished_at) as loaded_at,
        arg_max(ingest_run.run_id, ingest_run.finished_at) as run_id
    from meta.ingest_run as ingest_run
    where ingest_run.status = 'loaded'
    group by ingest_run.source
),

final as (
    select
        field.customer_id,
        field.seq,
        field.field,
        field.source,
        source.system,
        source.role,
        coalesce(record.record_run_id, last_run.run_id) as run_id,
        c360_rfc3339(last_run.loaded_at) as loaded_at,
        c360_rfc3339(record.changed_at) as changed_at
    from field
    left join core.source as source
        on field.source = source.name
    left join last_run
        on field.source = last_run.source
    left join record
        on
            field.customer_id = record.customer_id
            and field.source = record.source
    where field.source is not null
)

select
    final.customer_id,
    final.seq,
    -- In the shape of the API's Provenance (api/schemas.py).
    to_json({
        'field': final.field,
        'source': final.source,
        'system': final.system,
        'role': final.role,
        'run_id': final.run_id,
        'loaded_at': final.loaded_at,
        'changed_at': final.changed_at
    })::varchar as doc
from final
