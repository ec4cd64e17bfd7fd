-- Record links of this pass between two clusters whose SIRENs do not differ. Steward
-- decisions are not seen here: they apply after the passes (core/decision_*).
create or replace table work.edge as
select
    pass_link.*,
    left_cluster.cid as cid_a,
    right_cluster.cid as cid_b,
    left_cluster.siren as siren_a,
    right_cluster.siren as siren_b
from work.pass_link as pass_link
inner join work.cluster as left_cluster
    on left_cluster.rid = pass_link.rid_a
inner join work.cluster as right_cluster
    on right_cluster.rid = pass_link.rid_b
where left_cluster.cid <> right_cluster.cid
    and not coalesce(left_cluster.siren <> right_cluster.siren, false)
