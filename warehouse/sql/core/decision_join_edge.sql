-- The steward's match pairs (always match, merge) between two different pieces. They join
-- even across two SIRENs: the steward decided.
create or replace table work.edge as
select left_piece.piece as cid_a, right_piece.piece as cid_b
from work.decision as decision
inner join work.decision_piece as left_piece
    on left_piece.rid = decision.rid_a
inner join work.decision_piece as right_piece
    on right_piece.rid = decision.rid_b
where decision.decision = 'match'
    and left_piece.piece <> right_piece.piece
