-- needs: core.match_candidate
-- The steward's review queue, best candidates first.
create or replace table serving.quality_review as
select
    row_number() over (
        order by r.score desc nulls last, r.left_source, r.left_source_id
    ) as seq,
    to_json(r)::varchar as doc
from (
    select
        m.left_source,
        m.left_source_id,
        m.right_source,
        m.right_source_id,
        m.score,
        m.evidence
    from core.match_candidate as m
) as r
