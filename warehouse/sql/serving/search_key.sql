-- needs: mart.customer_360
-- Exact keys a search can name, each with what it is (for the hit's reason): legal ids
-- and customer codes without spaces, dots or dashes; e-mails lower-cased; phones by
-- their last nine digits (the French national number, whatever the prefix or spacing).
-- The API folds the query the same ways (api/search.py).
create or replace table serving.search_key as
with raw as (
    select c.customer_id, 'siren' as kind, c.siren as shown from mart.customer_360 as c
    union all
    select c.customer_id, 'siret', c.siret from mart.customer_360 as c
    union all
    select c.customer_id, 'vat', c.vat_number from mart.customer_360 as c
    union all
    select c.customer_id, 'code', c.customer_code from mart.customer_360 as c
    union all
    select c.customer_id, 'email', c.email from mart.customer_360 as c
    union all
    select c.customer_id, 'phone', c.phone from mart.customer_360 as c
    union all
    select c.customer_id, 'postcode', c.postcode from mart.customer_360 as c
    union all
    -- A customer's key repeats only among its contacts (two with one e-mail or phone): each
    -- once, without a distinct over every key (5.1M at 1M customers).
    select distinct ct.customer_id, 'contact_email', ct.email from {contacts} as ct
    union all
    select distinct ct.customer_id, 'contact_phone', ct.phone from {contacts} as ct
),

keyed as (
    select
        raw.customer_id,
        raw.kind,
        raw.shown,
        case
            when raw.kind in ('email', 'contact_email') then lower(trim(raw.shown))
            when raw.kind in ('phone', 'contact_phone')
                then right(regexp_replace(raw.shown, '[^0-9]', '', 'g'), 9)
            else upper(regexp_replace(raw.shown, '[\s.\-/]', '', 'g'))
        end as key
    from raw
    where raw.customer_id is not null and coalesce(trim(raw.shown), '') <> ''
)

select
    keyed.key,
    keyed.kind,
    keyed.customer_id,
    keyed.shown
from keyed
where length(keyed.key) >= 2
