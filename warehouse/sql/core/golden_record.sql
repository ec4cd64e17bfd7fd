-- Every source customer record with the golden customer its cluster became: what
-- core/customer, core/customer_conflict, core/customer_xref and core/match_candidate
-- start from.
create or replace view work.golden_record as
select
    component_id.customer_id,
    component_id.first_seen_build,
    customer_record.*
from work.customer_record as customer_record
inner join work.cluster as cluster
    on cluster.rid = customer_record.rid
inner join work.component_id as component_id
    on component_id.cid = cluster.cid
