-- The source records of each final cluster (after the steward's decisions): what
-- core/component_id and core/customer_redirect compare with the ids of earlier builds.
create or replace table work.cluster_member as
select
    cluster.cid,
    customer_record.source,
    customer_record.source_id
from work.cluster as cluster
inner join work.customer_record as customer_record
    on customer_record.rid = cluster.rid
