-- needs: core.customer_xref
-- order: item.role, item.source, item.source_id
-- The source records of each customer with the matcher's evidence (JSON text): the API
-- parses the evidence and phrases it in words (api/evidence.py) when it serves the
-- profile; the rest is in the shape of its SourceRecord (api/schemas.py), but
-- `changed_at` (when the source last changed the record) and `run_id` (the run that loaded
-- it), which the API takes out for the profile's provenance.
select
    x.customer_id,
    -- The order; the list stores the documents alone.
    x.role,
    x.source,
    x.source_id,
    to_json({
        'source': x.source,
        'source_id': x.source_id,
        'system': x.system,
        'role': x.role,
        'match_rule': x.match_rule,
        'match_score': x.match_score::double,
        'evidence': x.evidence,
        'changed_at': c360_rfc3339(x.source_updated_at),
        'run_id': x.loaded_in_run
    })::varchar as doc
from core.customer_xref as x
where x.customer_id is not null
