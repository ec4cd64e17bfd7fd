-- Ledger-name step, approximate names to the review queue: each account's best-scored
-- candidate from $review_threshold up (even above the auto-merge threshold: a name
-- alone, without a place to compare, never merges). Reads `ledger_name_score`
-- (rid_a, rid_b, score), the scores of work.ledger_name_pair.
insert into work.review
with
scored as (
    select
        pair.rid_a,
        pair.rid_b,
        ledger_name_score.score,
        row_number() over (
            partition by pair.rid_a order by ledger_name_score.score desc, pair.rid_b
        ) as candidate_rank
    from work.ledger_name_pair as pair
    inner join ledger_name_score
        on ledger_name_score.rid_a = pair.rid_a
        and ledger_name_score.rid_b = pair.rid_b
    where ledger_name_score.score >= $review_threshold
)

select
    scored.rid_a,
    scored.rid_b,
    scored.score,
    json_object(
        'rule', 'ledger_name',
        'match', 'approximate',
        'account', ledger_record.source_id,
        'name_a', ledger_record.name,
        'name_b', candidate_record.name,
        'score', round(scored.score, 4)
    )::varchar
from scored
inner join work.customer_record as ledger_record
    on ledger_record.rid = scored.rid_a
inner join work.customer_record as candidate_record
    on candidate_record.rid = scored.rid_b
where scored.candidate_rank = 1
