-- In a conflicted component keep only the links between equal SIRENs; the others wait in
-- the review queue.
insert into work.review
select edge.rid_a, edge.rid_b, edge.score,
    json_object('rule', edge.rule, 'reason', 'would join two different SIRENs',
                'link', edge.evidence::json)::varchar
from work.edge as edge
inner join lp on lp.node = edge.cid_a
where lp.label in (select label from conflicted)
    and (edge.siren_a is null) <> (edge.siren_b is null);
delete from work.edge
where rowid in (
    select edge.rowid
    from work.edge as edge
    inner join lp on lp.node = edge.cid_a
    where lp.label in (select label from conflicted)
        and (edge.siren_a is null) <> (edge.siren_b is null)
)
