-- The `owner` column of {relation}: a CRM owner's id becomes the person's name
-- (core.owner), matched in the record's own source. A value no owner row names stays as
-- it is: already a name (UI exports name owners), a Salesforce queue, a Dynamics team, or
-- an owner whose users file was not loaded.
update {relation} as target
set owner = owner.name
from core.owner as owner
where owner.source = target.source
    and owner.owner_key = lower(trim(target.owner))
    and owner.name is not null
