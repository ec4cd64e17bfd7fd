-- {table}.owner given as an id (Salesforce OwnerId, HubSpot hubspot_owner_id, Dynamics
-- _ownerid_value without its label, an Odoo user's external id) becomes the person's name
-- from core.owner, same source; a name, or an id of no known owner, stays as it is.
update {table}
set owner = owner_person.name
from core.owner as owner_person
where owner_person.source = {table}.source
    and lower(owner_person.source_id) = lower(trim({table}.owner))
    and owner_person.name is not null
