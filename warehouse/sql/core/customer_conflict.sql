-- Fields on which a golden customer's source records disagree (after normalising case,
-- accents, spacing and legal forms): every source's value, and the one that won.
create or replace table core.customer_conflict as
with
record as (
    select
        golden_record.* exclude (first_seen_build),
        count(*) over (
            partition by golden_record.customer_id, golden_record.source
        ) as records_in_source
    from work.golden_record as golden_record
),

field_value as (
    unpivot (
        select
            record.customer_id,
            record.source
                || case when record.records_in_source > 1 then ':' || record.source_id else '' end
                as value_key,
            {'v': record.name, 'k': record.name_key} as name,
            {'v': record.street, 'k': trim(regexp_replace(strip_accents(lower(record.street)), '[^a-z0-9]+', ' ', 'g'))} as street,
            {'v': record.postcode, 'k': record.postcode_key} as postcode,
            {'v': record.city, 'k': record.city_key} as city,
            {'v': record.siret, 'k': nullif(record.siret_digits, '')} as siret,
            {'v': record.phone, 'k': regexp_replace(record.phone, '[^0-9+]', '', 'g')} as phone,
            {'v': record.email, 'k': lower(trim(record.email))} as email
        from record
    )
    on name, street, postcode, city, siret, phone, email
    into name field value pair
),

present as (
    select
        field_value.customer_id,
        field_value.field,
        field_value.value_key,
        field_value.pair.v as value,
        field_value.pair.k as compared
    from field_value
    where nullif(trim(field_value.pair.k), '') is not null
),

disputed as (
    select
        present.customer_id,
        present.field,
        json_group_object(present.value_key, present.value)::varchar as "values"
    from present
    group by present.customer_id, present.field
    having count(distinct present.compared) > 1
),

final as (
    select
        disputed.customer_id,
        disputed.field,
        disputed."values",
        case disputed.field
            when 'name' then customer.name
            when 'street' then customer.street
            when 'postcode' then customer.postcode
            when 'city' then customer.city
            when 'siret' then customer.siret
            when 'phone' then customer.phone
            when 'email' then customer.email
        end as chosen_value,
        case
            when disputed.field = 'name' then customer.name_source
            when disputed.field in ('street', 'postcode', 'city') then customer.address_source
            when disputed.field = 'siret' then customer.siret_source
            when disputed.field = 'phone' then customer.phone_source
            when disputed.field = 'email' then customer.email_source
        end as chosen_source,
        case
            when disputed.field = 'siret' then 'first valid value: erp, then crm'
            when disputed.field = 'name' then 'erp, then crm, then accounting'
            else 'erp when the customer has an erp record, else crm'
        end as rule
    from disputed
    inner join core.customer as customer
        on customer.customer_id = disputed.customer_id
)

select * from final
