-- core.owner: the CRM owners (users) of every source, keyed the way the other records name
-- them (their `owner` column holds the owner's id in most sources). owner_key is the id
-- trimmed and lower-cased: Dynamics GUIDs come in either case, Salesforce ids are the
-- 18-character form (case-safe), HubSpot and Odoo ids are digits.
-- One person, one name: owners sharing an e-mail address (the same salesperson in two
-- CRMs) all take one name (an active owner's first, then by source), so that person's
-- customers from every CRM show under that name, and a sales login tied to the address
-- (api/owner_tie.py) sees them all.
create or replace table core.owner as
with
staged as (
    select
        source,
        source_id as owner_id,
        lower(trim(source_id)) as owner_key,
        nullif(trim(name), '') as source_name,
        case when email_valid then lower(trim(email)) end as email,
        coalesce(is_active, true) as is_active
    from stg.staging.owner
    where not is_deleted
    -- One row per source and key, whatever the case of the id in the file.
    qualify row_number() over (
        partition by source, lower(trim(source_id)) order by is_active desc nulls last, _line
    ) = 1
),

person as (
    select
        staged.email,
        first(staged.source_name order by staged.is_active desc, staged.source, staged.owner_id)
            as person_name
    from staged
    where staged.email is not null and staged.source_name is not null
    group by staged.email
),

final as (
    select
        staged.source,
        staged.owner_id,
        staged.owner_key,
        coalesce(person.person_name, staged.source_name) as name,
        staged.source_name,
        staged.email,
        staged.is_active
    from staged
    left join person
        on person.email = staged.email
)

select * from final
order by source, owner_key
