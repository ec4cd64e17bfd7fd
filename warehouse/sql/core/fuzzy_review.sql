-- The review band, reduced to each record's best candidate: a steward decides about the
-- likeliest partner of a record, not about every look-alike in its block.
insert into work.review
with band as (
    select
        fuzzy_pair.rid_a,
        fuzzy_pair.rid_b,
        fuzzy_pair.name_a,
        fuzzy_pair.name_b,
        fuzzy_score.score
    from work.fuzzy_pair as fuzzy_pair
    inner join fuzzy_score
        on fuzzy_score.rid_a = fuzzy_pair.rid_a
        and fuzzy_score.rid_b = fuzzy_pair.rid_b
    where fuzzy_score.score >= $review_threshold
        and fuzzy_score.score < $auto_merge_threshold
),

ranked as (
    select
        band.*,
        row_number() over (partition by band.rid_a order by band.score desc, band.rid_b)
            as rank_a,
        row_number() over (partition by band.rid_b order by band.score desc, band.rid_a)
            as rank_b
    from band
)

select
    ranked.rid_a,
    ranked.rid_b,
    ranked.score,
    json_object(
        'rule', 'fuzzy',
        'name_a', ranked.name_a,
        'name_b', ranked.name_b,
        'score', round(ranked.score, 4)
    )::varchar
from ranked
where ranked.rank_a = 1 or ranked.rank_b = 1
