-- Golden customer records. Survivorship is configuration ([survivorship] in c360.toml):
-- each group of fields takes its value from the first role of its list that has one
-- (defaults: relationship CRM; money and terms ERP; legal ids, coordinates and name ERP
-- then CRM). Inside one role the most recently updated record wins. `*_source` says
-- who won. Parameters: currency and the role lists rank_relationship, rank_money,
-- rank_legal, rank_coordinates, rank_name.
create or replace table core.customer as
with
record as (
    select
        golden_record.*,
        coalesce(list_position($rank_relationship, golden_record.role), 9) as rel_rank,
        coalesce(list_position($rank_money, golden_record.role), 9) as money_rank,
        coalesce(list_position($rank_legal, golden_record.role), 9) as legal_rank,
        coalesce(list_position($rank_coordinates, golden_record.role), 9) as coord_rank,
        coalesce(list_position($rank_name, golden_record.role), 9) as name_rank,
        row_number() over (
            partition by golden_record.customer_id, golden_record.role
            order by golden_record.updated_at desc nulls last, golden_record.rid
        ) as recency
    from work.golden_record as golden_record
),

address as (
    select
        record.customer_id,
        first({
            'street': record.street, 'postcode': record.postcode, 'city': record.city,
            'country': record.country, 'source': record.source
        } order by record.coord_rank, record.recency) as chosen
    from record
    where coalesce(record.street, record.postcode, record.city) is not null
    group by record.customer_id
),

survived as (
    select
        record.customer_id,
        any_value(record.first_seen_build) as first_seen_build,
        first({'v': record.name, 's': record.source} order by record.name_rank, record.recency)
            filter (where nullif(trim(record.name), '') is not null) as name_pick,
        first(record.legal_form order by record.legal_rank, record.recency)
            filter (where record.legal_form is not null) as legal_form,
        first(record.match_siren order by record.legal_rank, record.recency)
            filter (where record.match_siren is not null) as siren,
        first({'v': record.siret_digits, 's': record.source} order by record.legal_rank, record.recency)
            filter (where record.siret_ok) as siret_pick,
        first(record.vat_compact order by record.legal_rank, record.recency)
            filter (where record.vat_ok) as vat_number,
        first(record.customer_code order by record.money_rank, record.recency)
            filter (where record.code_key is not null) as customer_code,
        first({'v': record.email, 's': record.source} order by record.coord_rank, record.recency)
            filter (where record.email is not null and record.role <> 'accounting') as email_pick,
        first({'v': record.phone, 's': record.source} order by record.coord_rank, record.recency)
            filter (where record.phone is not null and record.role <> 'accounting') as phone_pick,
        first(record.website order by record.coord_rank, record.recency)
            filter (where record.website is not null and record.role <> 'accounting') as website,
        first(record.segment order by record.rel_rank, record.recency)
            filter (where record.segment is not null) as segment,
        first(record.owner order by record.rel_rank, record.recency)
            filter (where record.owner is not null) as owner,
        first(record.lifecycle_stage order by record.rel_rank, record.recency)
            filter (where record.lifecycle_stage is not null) as lifecycle_stage,
        coalesce(bool_or(record.is_customer), bool_or(record.role <> 'crm')) as is_customer,
        first(record.payment_terms_days order by record.money_rank, record.recency)
            filter (where record.payment_terms_days is not null) as payment_terms_days,
        first(record.credit_limit_amount order by record.money_rank, record.recency)
            filter (where record.credit_limit_amount is not null) as credit_limit_amount,
        first(record.currency order by record.money_rank, record.recency)
            filter (where record.currency is not null) as currency,
        min(record.created_at) as created_at,
        max(record.updated_at) as updated_at
    from record
    group by record.customer_id
),

final as (
    select
        survived.customer_id,
        survived.name_pick.v as name,
        survived.legal_form,
        survived.siren,
        survived.siret_pick.v as siret,
        survived.vat_number,
        survived.customer_code,
        survived.email_pick.v as email,
        survived.phone_pick.v as phone,
        survived.website,
        address.chosen.street as street,
        address.chosen.postcode as postcode,
        address.chosen.city as city,
        address.chosen.country as country,
        survived.segment,
        survived.owner,
        survived.lifecycle_stage,
        survived.is_customer,
        survived.payment_terms_days,
        survived.credit_limit_amount,
        coalesce(survived.currency, $currency) as currency,
        survived.created_at,
        survived.updated_at,
        survived.first_seen_build,
        survived.name_pick.s as name_source,
        survived.siret_pick.s as siret_source,
        address.chosen.source as address_source,
        survived.email_pick.s as email_source,
        survived.phone_pick.s as phone_source
    from survived
    left join address
        on address.customer_id = survived.customer_id
)

select * from final
