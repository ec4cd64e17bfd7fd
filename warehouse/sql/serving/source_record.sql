-- needs: core.customer_xref
-- Steward decisions (api/decisions.py): the customer each source record belongs to, read
-- by (source, source_id) when a decision names a record (an Arrow file sorted by them; a
-- customer's records are read from its `customer_source` list).
create or replace table serving.source_record as
select x.source, x.source_id, x.customer_id
from core.customer_xref as x
where x.customer_id is not null
