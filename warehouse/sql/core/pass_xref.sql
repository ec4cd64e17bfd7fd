-- Pass 1 keys: the ERP customer code, held by CRM records and used as FEC auxiliary account.
create or replace table work.pass_key as
with
record as (
    select * from work.customer_record
),

final as (
    select
        record.rid,
        'code:' || record.code_key as match_key,
        json_object('rule', 'xref', 'customer_code', record.code_key)::varchar as evidence
    from record
    where record.code_key is not null
)

select * from final
