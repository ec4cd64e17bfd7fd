-- Ledger-name step, approximate names: the ledger accounts of the step that no customer
-- bears exactly, paired with the other sources' records whose normalised name starts
-- with the same 3 letters, or whose alphabetically first name word does (a ledger
-- account has no postcode or city to block on). Scored like the fuzzy pass; the best
-- candidate above the review threshold goes to the review queue, never merged
-- (core/ledger_name_review.sql). A block whose pairs exceed $max_block_pairs is skipped.
create or replace table work.ledger_name_pair as
with
ledger as (
    select
        account.rid,
        account.source,
        account.name_key
    from work.ledger_name_account as account
    where account.rid not in (
        select candidate.ledger_rid from work.ledger_name_candidate as candidate
        union all
        select candidate.candidate_rid from work.ledger_name_candidate as candidate
    )
),

candidate as (
    select
        customer_record.rid,
        customer_record.source,
        customer_record.name_key
    from work.customer_record as customer_record
    where customer_record.name_key <> ''
),

ledger_block as (
    select
        ledger.rid,
        ledger.source,
        'name:' || left(ledger.name_key, 3) as block_key
    from ledger
    union
    select
        ledger.rid,
        ledger.source,
        'sorted:' || left(list_sort(string_split(ledger.name_key, ' '))[1], 3)
    from ledger
),

candidate_block as (
    select
        candidate.rid,
        candidate.source,
        'name:' || left(candidate.name_key, 3) as block_key
    from candidate
    union
    select
        candidate.rid,
        candidate.source,
        'sorted:' || left(list_sort(string_split(candidate.name_key, ' '))[1], 3)
    from candidate
),

block_size as (
    select
        ledger_count.block_key
    from (
        select ledger_block.block_key, count(*) as record_count
        from ledger_block
        group by ledger_block.block_key
    ) as ledger_count
    inner join (
        select candidate_block.block_key, count(*) as record_count
        from candidate_block
        group by candidate_block.block_key
    ) as candidate_count
        on candidate_count.block_key = ledger_count.block_key
    where ledger_count.record_count * candidate_count.record_count <= $max_block_pairs
),

pair as (
    select distinct
        ledger_block.rid as ledger_rid,
        candidate_block.rid as candidate_rid
    from ledger_block
    semi join block_size
        on block_size.block_key = ledger_block.block_key
    inner join candidate_block
        on candidate_block.block_key = ledger_block.block_key
        and candidate_block.source <> ledger_block.source
),

final as (
    select
        pair.ledger_rid as rid_a,
        pair.candidate_rid as rid_b,
        ledger.name_key as name_a,
        candidate.name_key as name_b
    from pair
    inner join ledger
        on ledger.rid = pair.ledger_rid
    inner join candidate
        on candidate.rid = pair.candidate_rid
    -- Two alone accounts of two books: one direction is enough.
    where pair.candidate_rid not in (select ledger.rid from ledger)
        or pair.candidate_rid > pair.ledger_rid
)

select * from final
