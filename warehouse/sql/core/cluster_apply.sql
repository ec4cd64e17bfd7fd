-- Record this pass's links and relabel every cluster with its component's label.
-- Parameters: $pass_no.
insert into work.link
select rid_a, rid_b, rule, score, evidence, $pass_no from work.edge;
create or replace table work.cluster as
with relabelled as (
    select cluster.rid, coalesce(lp.label, cluster.cid) as cid, cluster.siren
    from work.cluster as cluster
    left join lp on lp.node = cluster.cid
)
select rid, cid, max(siren) over (partition by cid) as siren from relabelled
