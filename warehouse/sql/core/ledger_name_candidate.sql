-- Ledger-name step, candidates: each ledger account the source gives no customer code
-- (ledger_account), still alone after the other passes, with every golden customer of
-- another source's records that bears exactly its normalised name (name_key: case,
-- accents, ligatures, punctuation and legal forms aside). One row per account and
-- candidate customer, represented by its ERP record first, else its first record.
-- `customer_count` is how many customers bear the name, `account_count` how many
-- records of the same books do: a link needs both to be 1 (core/pass_ledger_name.sql).
create or replace table work.ledger_name_candidate as
with
ledger as (
    select * from work.ledger_name_account
),

-- Records of the same books bearing the name, linked or not: a second "DUPONT" account
-- already joined to a customer still makes the name ambiguous.
namesake as (
    select
        customer_record.source,
        customer_record.name_key,
        count(*) as account_count
    from work.customer_record as customer_record
    semi join ledger
        on ledger.source = customer_record.source
        and ledger.name_key = customer_record.name_key
    group by customer_record.source, customer_record.name_key
),

candidate as (
    select
        customer_record.rid,
        customer_record.source,
        customer_record.name,
        customer_record.name_key,
        customer_record.role,
        cluster.cid,
        ledger.rid is not null as is_ledger
    from work.customer_record as customer_record
    inner join work.cluster as cluster
        on cluster.rid = customer_record.rid
    left join ledger
        on ledger.rid = customer_record.rid
    where customer_record.name_key <> ''
),

per_customer as (
    select
        ledger.rid as ledger_rid,
        candidate.cid as candidate_cid,
        arg_min(candidate.rid, [(candidate.role <> 'erp')::integer, candidate.rid])
            as candidate_rid,
        bool_and(candidate.is_ledger) as candidate_is_ledger
    from ledger
    inner join candidate
        on candidate.name_key = ledger.name_key
        and candidate.source <> ledger.source
    group by ledger.rid, candidate.cid
),

counted as (
    select
        per_customer.*,
        count(*) over (partition by per_customer.ledger_rid) as customer_count
    from per_customer
),

final as (
    select
        counted.ledger_rid,
        counted.candidate_rid,
        ledger.source_id as account,
        ledger.name as ledger_name,
        candidate.name as candidate_name,
        counted.customer_count,
        namesake.account_count
    from counted
    inner join ledger
        on ledger.rid = counted.ledger_rid
    inner join candidate
        on candidate.rid = counted.candidate_rid
    inner join namesake
        on namesake.source = ledger.source
        and namesake.name_key = ledger.name_key
    -- Two alone accounts of two books find each other: one direction is enough.
    where not (counted.candidate_is_ledger and counted.candidate_rid < counted.ledger_rid)
)

select * from final
