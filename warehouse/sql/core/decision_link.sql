-- Links after the steward decisions: automatic links that still join two records of one
-- cluster and are not a no_match pair (core/decision_kept_link), plus one 'steward' link
-- per match pair (pass 0: it is what holds a merged record to its customer).
create or replace table work.link as
select link.*
from work.kept_link as link
inner join work.cluster as left_cluster
    on left_cluster.rid = link.rid_a
inner join work.cluster as right_cluster
    on right_cluster.rid = link.rid_b
where left_cluster.cid = right_cluster.cid
union all
select
    decision.rid_a,
    decision.rid_b,
    'steward' as rule,
    1.0::double as score,
    json_object('rule', 'steward', 'decision', 'match', 'kind', decision.kind)::varchar
        as evidence,
    0 as pass_no
from work.decision as decision
where decision.decision = 'match'
