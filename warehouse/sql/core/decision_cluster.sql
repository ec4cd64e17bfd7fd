-- Clusters after the steward decisions: pieces joined by the match pairs (labelled by `lp`).
create or replace table work.cluster as
with
relabelled as (
    select decision_piece.rid, coalesce(lp.label, decision_piece.piece) as cid
    from work.decision_piece as decision_piece
    left join lp
        on lp.node = decision_piece.piece
)

select
    relabelled.rid,
    relabelled.cid,
    max(customer_record.match_siren) over (partition by relabelled.cid) as siren
from relabelled
inner join work.customer_record as customer_record
    on customer_record.rid = relabelled.rid
