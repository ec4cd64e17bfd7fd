-- Where each surviving field of a golden customer came from: the source that won
-- survivorship, its system and role, when that source last changed the customer's
-- record, and the run that loaded it.
with
customer as (
    select * from core.customer where customer_id = $customer_id
),

field as (
    select 'name' as field, name_source as source from customer
    union all
    select 'siret', siret_source from customer
    union all
    select 'address', address_source from customer
    union all
    select 'email', email_source from customer
    union all
    select 'phone', phone_source from customer
),

record as (
    select
        xref.source,
        max(xref.source_updated_at) as changed_at,
        max(xref.loaded_in_run) as record_run_id
    from core.customer_xref as xref
    where xref.customer_id = $customer_id
    group by xref.source
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
        field.field,
        field.source,
        source.system,
        source.role,
        coalesce(record.record_run_id, last_run.run_id) as run_id,
        last_run.loaded_at,
        record.changed_at
    from field
    left join core.source as source
        on source.name = field.source
    left join last_run
        on last_run.source = field.source
    left join record
        on record.source = field.source
    where field.source is not null
)

select * from final
order by field
