-- The `owner` column of {relation}: a CRM owner's id becomes the person's name
-- (core.owner), matched in the record's own source; so does the owner's own name as that
-- source spells it (UI exports name owners: HubSpot "Company owner"), so that one person
-- shows under one name across sources and the sales login tied to them sees it all. A key
-- naming two different people is left alone. A value no owner row names stays as it is: a
-- Salesforce queue, a Dynamics team, an owner whose users file was not loaded.
update {relation} as target
set owner = owner_key.name
from (
    select keyed.source, keyed.key, any_value(keyed.name) as name
    from (
        select source, owner_key as key, name from core.owner
        union all
        select source, lower(source_name) as key, name from core.owner
    ) as keyed
    where keyed.key is not null and keyed.name is not null
    group by keyed.source, keyed.key
    having count(distinct keyed.name) = 1
) as owner_key
where owner_key.source = target.source
    and owner_key.key = lower(trim(target.owner))
