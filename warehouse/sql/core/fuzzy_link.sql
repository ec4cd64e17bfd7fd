-- Pass 4 links: the scored pairs (temp `fuzzy_score`, from rapidfuzz) at or above
-- the auto-merge threshold.
create or replace table work.pass_link as
select
    fuzzy_pair.rid_a,
    fuzzy_pair.rid_b,
    'fuzzy' as rule,
    fuzzy_score.score,
    json_object(
        'rule', 'fuzzy',
        'name_a', fuzzy_pair.name_a,
        'name_b', fuzzy_pair.name_b,
        'score', round(fuzzy_score.score, 4)
    )::varchar as evidence
from work.fuzzy_pair as fuzzy_pair
inner join fuzzy_score
    on fuzzy_score.rid_a = fuzzy_pair.rid_a
    and fuzzy_score.rid_b = fuzzy_pair.rid_b
where fuzzy_score.score >= $auto_merge_threshold
