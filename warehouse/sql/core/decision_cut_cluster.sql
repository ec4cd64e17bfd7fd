-- Automatic clusters holding a pair the steward said never to match: they are cut.
create or replace table work.cut_cluster as
select distinct left_cluster.cid
from work.decision as decision
inner join work.cluster as left_cluster
    on left_cluster.rid = decision.rid_a
inner join work.cluster as right_cluster
    on right_cluster.rid = decision.rid_b
where decision.decision = 'no_match'
    and left_cluster.cid = right_cluster.cid
