-- Receivable groups: the clusters of the automatic passes, before any steward decision.
-- core/open_item chooses the receivables basis (ledger lines or ERP invoices) per group,
-- so a decision moves money between customers but never changes what is counted.
create or replace table work.receivable_group as
select
    customer_record.source,
    customer_record.source_id,
    cluster.cid as group_id
from work.cluster as cluster
inner join work.customer_record as customer_record
    on customer_record.rid = cluster.rid
