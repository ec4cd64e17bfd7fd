-- Min-label propagation over work.edge (cid_a, cid_b): both directions, each node its own label.
create or replace temp table lp_edge as
select cid_a as a, cid_b as b from work.edge
union
select cid_b, cid_a from work.edge;
create or replace temp table lp as
select distinct a as node, a as label from lp_edge
