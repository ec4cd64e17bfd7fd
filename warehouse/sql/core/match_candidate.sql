-- Review queue: pairs scored between the review and auto-merge thresholds, and links
-- held back because they would join two SIRENs; pairs that ended up merged are dropped.
create or replace table core.match_candidate as
with
review as (
    select * from work.review
),

final as (
    select distinct on (left_record.source, left_record.source_id, right_record.source, right_record.source_id)
        left_record.source as left_source,
        left_record.source_id as left_source_id,
        right_record.source as right_source,
        right_record.source_id as right_source_id,
        left_record.customer_id as left_customer_id,
        right_record.customer_id as right_customer_id,
        round(review.score, 4)::decimal(5,4) as score,
        review.evidence
    from review
    inner join work.golden_record as left_record
        on left_record.rid = review.rid_a
    inner join work.golden_record as right_record
        on right_record.rid = review.rid_b
    -- One golden id per cluster: two ids, two clusters.
    where left_record.customer_id <> right_record.customer_id
        and not exists (
            select 1
            from work.decision as decision
            where least(decision.rid_a, decision.rid_b) = least(review.rid_a, review.rid_b)
                and greatest(decision.rid_a, decision.rid_b) = greatest(review.rid_a, review.rid_b)
        )
    order by left_record.source, left_record.source_id, right_record.source,
        right_record.source_id, review.score desc
)

select * from final
