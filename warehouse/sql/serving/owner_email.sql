-- needs: core.owner
-- A CRM owner's e-mail address → the name the customers show (core.owner: one name per
-- address): how a sales login without an owner name is tied to its customers.
create or replace table serving.owner_email as
select
    owner.email,
    any_value(owner.name) as name
from core.owner as owner
where owner.email is not null and owner.name is not null
group by owner.email
