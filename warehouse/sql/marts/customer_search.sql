-- The customer search columns folded once per build (case, accents, spaces), so a search
-- in the API is one scan of short strings instead of strip_accents() over every name at
-- every request, and no API process has to prepare anything when a snapshot switches.
create or replace table mart.customer_search as
select
    c.customer_id,
    coalesce(c.name, '') as sort_name,
    c.name,
    c.siren,
    c.city,
    c.postcode,
    c.segment,
    c.owner,
    c.customer_code,
    c.outstanding_amount,
    c.overdue_amount,
    c.alert_count,
    c.source_count,
    coalesce(c.overdue_amount, 0) > 0 as has_overdue,
    concat_ws(
        chr(31),
        strip_accents(lower(coalesce(c.name, ''))),
        strip_accents(lower(coalesce(c.city, ''))),
        lower(coalesce(c.email, ''))
    ) as folded_text,
    upper(replace(coalesce(c.customer_code, ''), ' ', '')) as code_key,
    replace(coalesce(c.siren, ''), ' ', '') as siren_key,
    replace(coalesce(c.siret, ''), ' ', '') as siret_key,
    upper(replace(coalesce(c.vat_number, ''), ' ', '')) as vat_key
from mart.customer_360 as c
order by
    sort_name,
    c.customer_id
