-- The automatic links that are no steward's no_match pair (in either direction): what the
-- cut clusters are rebuilt from (core/decision_cut_edge) and what core/decision_link keeps.
create or replace table work.kept_link as
select link.*
from work.link as link
anti join work.decision as decision
    on decision.decision = 'no_match'
    and least(decision.rid_a, decision.rid_b) = least(link.rid_a, link.rid_b)
    and greatest(decision.rid_a, decision.rid_b) = greatest(link.rid_a, link.rid_b)
