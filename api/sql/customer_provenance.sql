-- Where each surviving field of a golden customer came from: the source that won
-- survivorship, its system and role, and the last run that loaded that source.
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
        last_run.run_id,
        last_run.loaded_at
    from field
    left join core.source as source
        on source.name = field.source
    left join last_run
        on last_run.source = field.source
    where field.source is not null
)

select * from final
order by field
