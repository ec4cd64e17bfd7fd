-- needs: core.customer_xref
-- The source records of each customer with the matcher's evidence (JSON text); the API
-- phrases the evidence in words when it reads the profile.
create or replace table serving.customer_source as
select
    r.customer_id,
    row_number() over (
        partition by r.customer_id order by r.role, r.source, r.source_id
    ) as seq,
    to_json(r)::varchar as doc
from (
    select
        x.customer_id,
        x.source,
        x.source_id,
        x.system,
        x.role,
        x.match_rule,
        x.match_score,
        x.evidence
    from core.customer_xref as x
    where x.customer_id is not null
) as r
