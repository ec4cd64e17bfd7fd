-- Pieces: an uncut cluster is one piece; a cut cluster falls into the components of its
-- remaining links (labelled by `lp`, see core/label_*), a record left without one alone.
create or replace table work.decision_piece as
select
    cluster.rid,
    case
        when cut_cluster.cid is null then cluster.cid
        else coalesce(lp.label, cluster.rid)
    end as piece
from work.cluster as cluster
left join work.cut_cluster as cut_cluster
    on cut_cluster.cid = cluster.cid
left join lp
    on lp.node = cluster.rid
