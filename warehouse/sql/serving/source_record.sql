-- needs: core.customer_xref
-- Steward decisions (api/decisions.py): the customer each source record belongs to, read
-- by (source, source_id) when a decision names a record, and a customer's records in the
-- profile's order (role, source, source_id) when it names a customer.
create or replace table serving.source_record as
select x.source, x.source_id, x.customer_id, x.role
from core.customer_xref as x
where x.customer_id is not null
