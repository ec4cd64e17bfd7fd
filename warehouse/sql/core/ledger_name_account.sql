-- Ledger-name step, the accounts it links: ledger accounts the source gives no customer
-- code (ledger_account), still alone after the other passes, with a name. Read by
-- core/ledger_name_candidate.sql (exact names) and core/ledger_name_pair.sql (approximate).
create or replace table work.ledger_name_account as
with
cluster_size as (
    select
        cluster.cid,
        count(*) as record_count
    from work.cluster as cluster
    group by cluster.cid
),

final as (
    select
        customer_record.rid,
        customer_record.source,
        customer_record.source_id,
        customer_record.name,
        customer_record.name_key
    from work.customer_record as customer_record
    inner join work.cluster as cluster
        on cluster.rid = customer_record.rid
    inner join cluster_size
        on cluster_size.cid = cluster.cid
    where customer_record.ledger_account
        and cluster_size.record_count = 1
        and customer_record.name_key <> ''
)

select * from final
