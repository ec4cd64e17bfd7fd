select
    x.source,
    x.source_id,
    x.system,
    x.role,
    x.match_rule,
    x.match_score,
    x.evidence
from core.customer_xref as x
where x.customer_id = $customer_id
order by x.role, x.source, x.source_id
