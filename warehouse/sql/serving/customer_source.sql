-- needs: core.customer_xref
-- order: item.role, item.source, item.source_id
-- The source records of each customer with the matcher's evidence (JSON text), typed: the
-- API parses the evidence and phrases it in words (api/evidence.py) when it serves the
-- profile, and writes the rest in the shape of its SourceRecord (api/schemas.py), but
-- `changed_at` (when the source last changed the record) and `run_id` (the run that loaded
-- it), which it reads for the profile's provenance. Typed rows instead of a JSON document
-- each: the API parsed every document anyway, and writing them cost the build more.
select
    x.customer_id,
    x.source,
    x.source_id,
    x.system,
    x.role,
    x.match_rule,
    x.match_score::double as match_score,
    x.evidence,
    x.source_updated_at as changed_at,
    x.loaded_in_run as run_id
from core.customer_xref as x
where x.customer_id is not null
