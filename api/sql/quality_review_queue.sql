select
    m.left_source,
    m.left_source_id,
    m.right_source,
    m.right_source_id,
    m.score,
    m.evidence
from core.match_candidate as m
