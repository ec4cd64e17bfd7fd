-- One step: each node takes its neighbours' smallest label, then jumps to its label's label.
create or replace temp table lp_next as
with neighbour as (
    select lp_edge.a as node, min(lp.label) as label
    from lp_edge inner join lp on lp.node = lp_edge.b
    group by lp_edge.a
),

stepped as (
    select lp.node, least(lp.label, neighbour.label) as label
    from lp inner join neighbour on neighbour.node = lp.node
)

select stepped.node, least(stepped.label, jumped.label) as label
from stepped inner join stepped as jumped on jumped.node = stepped.label
