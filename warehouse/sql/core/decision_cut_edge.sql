-- Inside the cut clusters, the automatic links that remain once the steward's no_match
-- pairs are removed, between records (their rid is the node).
create or replace table work.edge as
select link.rid_a as cid_a, link.rid_b as cid_b
from work.link as link
inner join work.cluster as cluster
    on cluster.rid = link.rid_a
inner join work.cut_cluster as cut_cluster
    on cut_cluster.cid = cluster.cid
anti join work.decision as decision
    on decision.decision = 'no_match'
    and least(decision.rid_a, decision.rid_b) = least(link.rid_a, link.rid_b)
    and greatest(decision.rid_a, decision.rid_b) = greatest(link.rid_a, link.rid_b)
