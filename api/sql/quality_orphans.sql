select
    o.check_name,
    o.object,
    o.source,
    o.source_id,
    o.document_ref,
    o.customer_source_id as names,
    o.reason,
    o.amount,
    o.open_amount,
    o.currency
from core.orphan as o
where ($check is null or o.check_name = $check)
    and ($source is null or o.source = $source)
