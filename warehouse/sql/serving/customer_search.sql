-- needs: mart.customer_360
-- The search rows, folded once per build (case, accents), keyset-ordered by
-- (name, customer_id): seq is both the browse cursor and the row id of the trigram index
-- (sqlite_search_text.sql) over name, city and the e-mails of the company and its contacts.
create or replace table serving.customer_search as
with contact_email as (
    select
        ct.customer_id,
        -- In order: the same contacts give the same text in every build.
        string_agg(distinct lower(trim(ct.email)), ' ' order by lower(trim(ct.email))) as emails
    from {contacts} as ct
    where ct.customer_id is not null and coalesce(trim(ct.email), '') <> ''
    group by ct.customer_id
)

select
    row_number() over (order by coalesce(c.name, ''), c.customer_id) as seq,
    c.customer_id,
    -- What a search filters on; the rest of a hit is in its JSON (`hit`).
    c.segment,
    c.owner,
    coalesce(c.overdue_amount, 0) > 0 as has_overdue,
    strip_accents(lower(trim(coalesce(c.name, '')))) as folded_name,
    strip_accents(lower(trim(coalesce(c.city, '')))) as folded_city,
    trim(concat_ws(' ', lower(trim(c.email)), contact_email.emails)) as folded_email,
    -- The customer's hit as the response sends it: the JSON of a CustomerSummary (api/
    -- schemas.py) but its match_reason, which the API appends per query, so a search or
    -- browse page is copied from these rows, never built per request (amounts as their
    -- text to the cent, as the model sends them).
    to_json({
        'customer_id': c.customer_id,
        'name': c.name,
        'siren': c.siren,
        'city': c.city,
        'postcode': c.postcode,
        'segment': c.segment,
        'owner': c.owner,
        'customer_code': c.customer_code,
        'outstanding_amount': c360_amount(c.outstanding_amount),
        'overdue_amount': c360_amount(c.overdue_amount),
        'alert_count': c.alert_count,
        'source_count': c.source_count
    })::varchar as hit
from mart.customer_360 as c
left join contact_email on c.customer_id = contact_email.customer_id
where c.customer_id is not null
