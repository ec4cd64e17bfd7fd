-- Pass 2 keys: the SIREN, from a valid SIRET, a valid SIREN or a French VAT number.
create or replace table work.pass_key as
with
record as (
    select * from work.customer_record
),

final as (
    select
        record.rid,
        'siren:' || record.match_siren as match_key,
        json_object('rule', 'legal_id', 'siren', record.match_siren)::varchar as evidence
    from record
    where record.match_siren is not null
)

select * from final
