-- Components of this pass that would join two SIRENs through records without one.
create or replace temp table conflicted as
with cluster_siren as (
    select cid, any_value(siren) as siren from work.cluster group by cid
)
select lp.label
from lp
inner join cluster_siren on cluster_siren.cid = lp.node
group by lp.label
having count(distinct cluster_siren.siren) > 1
