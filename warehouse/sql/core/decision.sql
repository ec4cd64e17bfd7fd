-- Steward decisions on live records, one per pair of records: the latest word on a pair
-- wins (decided_at; rows without one count as oldest). Reads the temp table decision_rows.
create or replace table work.decision as
with
decided as (
    select
        left_record.rid as rid_a,
        right_record.rid as rid_b,
        decision_rows.decision,
        decision_rows.kind,
        decision_rows.decided_at
    from decision_rows
    inner join work.customer_record as left_record
        on left_record.source = decision_rows.left_source
        and left_record.source_id = decision_rows.left_source_id
    inner join work.customer_record as right_record
        on right_record.source = decision_rows.right_source
        and right_record.source_id = decision_rows.right_source_id
    where decision_rows.decision in ('match', 'no_match')
        and left_record.rid <> right_record.rid
),

final as (
    select decided.rid_a, decided.rid_b, decided.decision, decided.kind
    from decided
    qualify row_number() over (
        partition by least(decided.rid_a, decided.rid_b), greatest(decided.rid_a, decided.rid_b)
        order by decided.decided_at desc nulls last, decided.decision
    ) = 1
)

select * from final
