-- The people who own records, one row per source and owner id (Salesforce User, HubSpot
-- owners, Dynamics systemuser, Odoo res.users): the latest loaded name and e-mail.
create or replace table core.owner as
select
    owner.source,
    owner.source_id,
    arg_max(owner.name, owner._run_id) filter (where owner.name is not null) as name,
    lower(trim(arg_max(owner.email, owner._run_id) filter (where owner.email is not null)))
        as email,
    arg_max(owner.is_active, owner._run_id) as is_active
from stg.staging.owner as owner
where not owner.is_deleted
group by owner.source, owner.source_id
