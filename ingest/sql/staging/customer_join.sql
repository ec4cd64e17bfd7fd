-- Joins one source's customer parts (staging.customer_company / _credit / _address /
-- _party) into its staging.customer rows, at the end of each ingest of the source: a part
-- and its customer may come in either order and in different runs; a reloaded customer
-- row is joined again. A field that a part table gives belongs to that table: once a
-- customer has rows there, the chosen live row gives the field, and none (all deleted, or
-- none in the configured company code / credit area) clears it rather than leaving a stale
-- value. Customers without rows in a part table keep their own values (pre-joined extracts).
-- Parameters: source, company_code and credit_area (null when not configured), currency
-- (the company currency).

-- Payment terms (SAP KNB1): the configured company code, else the shortest terms.
update staging.customer as c
set payment_terms_days = t.payment_terms_days
from (
    select keyed.customer_source_id, chosen.payment_terms_days
    from (
        select distinct customer_source_id from staging.customer_company where source = $source
    ) as keyed
    left join (
        select customer_source_id, payment_terms_days
        from staging.customer_company
        where source = $source
          and not is_deleted
          and payment_terms_days is not null
          and (cast($company_code as varchar) is null or company_code = cast($company_code as varchar))
        qualify row_number() over (
            partition by customer_source_id order by payment_terms_days, company_code
        ) = 1
    ) as chosen
        on chosen.customer_source_id = keyed.customer_source_id
) as t
where c.source = $source and c.source_id = t.customer_source_id;

-- Credit limit (SAP KNKK, Oracle HZ_CUST_PROFILE_AMTS): account-level limits only (an
-- Oracle site's own limit is not the customer's); the configured credit control area, else
-- the limit in the company currency, else the largest.
update staging.customer as c
set credit_limit_amount = k.credit_limit_amount,
    currency = coalesce(k.currency, c.currency)
from (
    select keyed.customer_source_id, chosen.credit_limit_amount, chosen.currency
    from (
        select distinct customer_source_id from staging.customer_credit where source = $source
    ) as keyed
    left join (
        select customer_source_id, credit_limit_amount, currency
        from staging.customer_credit
        where source = $source
          and not is_deleted
          and credit_limit_amount is not null
          and site_source_id is null
          and (cast($credit_area as varchar) is null or credit_area = cast($credit_area as varchar))
        qualify row_number() over (
            partition by customer_source_id
            order by currency = $currency desc, credit_limit_amount desc, source_id
        ) = 1
    ) as chosen
        on chosen.customer_source_id = keyed.customer_source_id
) as k
where c.source = $source and c.source_id = k.customer_source_id;

-- Address (Sage X3 BPADDRESS): the default address (BPAADDFLG = 2), else the lowest
-- address code; the address moves as a whole, phone and e-mail only when given.
update staging.customer as c
set street = a.street,
    postcode = a.postcode,
    city = a.city,
    country = a.country,
    phone = coalesce(a.phone, c.phone),
    phone_valid = case when a.phone is not null then a.phone_valid else c.phone_valid end,
    email = coalesce(a.email, c.email),
    email_valid = case when a.email is not null then a.email_valid else c.email_valid end
from (
    select keyed.customer_source_id, chosen.* exclude (customer_source_id)
    from (
        select distinct customer_source_id from staging.customer_address where source = $source
    ) as keyed
    left join (
        select *
        from staging.customer_address
        where source = $source
          and not is_deleted
          and coalesce(street, postcode, city) is not null
        qualify row_number() over (
            partition by customer_source_id
            order by coalesce(is_default, false) desc, address_code, source_id
        ) = 1
    ) as chosen
        on chosen.customer_source_id = keyed.customer_source_id
) as a
where c.source = $source and c.source_id = a.customer_source_id;

-- Party (Oracle HZ_PARTIES, by the account's PARTY_ID): the name and legal ids of the
-- organisation; its identifying address as a whole when it has one. A deleted party
-- leaves the account as it was (the account itself says whether it still exists).
update staging.customer as c
set name = coalesce(p.name, c.name),
    siren = coalesce(p.siren, c.siren),
    siren_valid = case when p.siren is not null then p.siren_valid else c.siren_valid end,
    siret = coalesce(p.siret, c.siret),
    siret_valid = case when p.siret is not null then p.siret_valid else c.siret_valid end,
    vat_number = coalesce(p.vat_number, c.vat_number),
    vat_valid = case when p.vat_number is not null then p.vat_valid else c.vat_valid end,
    email = coalesce(p.email, c.email),
    email_valid = case when p.email is not null then p.email_valid else c.email_valid end,
    phone = coalesce(p.phone, c.phone),
    phone_valid = case when p.phone is not null then p.phone_valid else c.phone_valid end,
    website = coalesce(p.website, c.website),
    street = case when p.has_address then p.street else c.street end,
    postcode = case when p.has_address then p.postcode else c.postcode end,
    city = case when p.has_address then p.city else c.city end,
    country = case when p.has_address then p.country else c.country end
from (
    select *, coalesce(street, postcode, city) is not null as has_address
    from staging.customer_party
    where source = $source and not is_deleted
) as p
where c.source = $source and c.party_source_id = p.source_id;
