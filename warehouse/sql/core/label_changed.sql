-- How many nodes the last step (lp_next) relabelled: propagation ends when none.
select count(*)
from lp
inner join lp_next on lp_next.node = lp.node
where lp_next.label <> lp.label
