-- The keys of a one-key pass: every record holding {key} (a column of work.customer_record)
-- gets the match key $key_prefix || value. Pass 1 (xref) uses the ERP customer code, held
-- by CRM records and used as FEC auxiliary account; pass 2 (legal_id) the SIREN, from a
-- valid SIRET, a valid SIREN or a French VAT number (see KEY_PASSES in matching/__init__.py).
-- Parameters: $rule, $key_prefix, $evidence_name.
create or replace table work.pass_key as
with
record as (
    select * from work.customer_record
),

final as (
    select
        record.rid,
        $key_prefix || record.{key} as match_key,
        json_object('rule', $rule, $evidence_name, record.{key})::varchar as evidence
    from record
    where record.{key} is not null
)

select * from final
