-- Inside the cut clusters, the automatic links that remain once the steward's no_match
-- pairs are removed (core/decision_kept_link), between records (their rid is the node).
create or replace table work.edge as
select link.rid_a as cid_a, link.rid_b as cid_b
from work.kept_link as link
inner join work.cluster as cluster
    on cluster.rid = link.rid_a
inner join work.cut_cluster as cut_cluster
    on cut_cluster.cid = cluster.cid
