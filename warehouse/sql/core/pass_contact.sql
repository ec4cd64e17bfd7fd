-- Pass 3 keys: company e-mail domain with postcode, or an E.164 phone number.
create or replace table work.pass_key as
with
record as (
    select * from work.customer_record
),

by_domain as (
    select
        record.rid,
        'domain:' || record.email_domain || '|' || record.postcode_key as match_key,
        json_object(
            'rule', 'contact',
            'email_domain', record.email_domain,
            'postcode', record.postcode_key
        )::varchar as evidence
    from record
    where record.email_domain is not null
        and record.postcode_key is not null
),

by_phone as (
    select
        record.rid,
        'phone:' || record.phone_key as match_key,
        json_object('rule', 'contact', 'phone', record.phone_key)::varchar as evidence
    from record
    where record.phone_key is not null
),

final as (
    select * from by_domain
    union all
    select * from by_phone
)

select * from final
