-- Stable golden ids: a cluster keeps the smallest (oldest) id its records had before;
-- an id claimed by two clusters (a split) goes to the cluster holding most of the records
-- that never carried another id (hist.id_history), then most of its records. A cluster
-- left without an id takes back one its records carried before (the part of a merge that
-- a split gives back recovers its own id). The others get C + 7 digits, continuing the
-- largest id ever issued.
-- Parameters: $build_id.
create or replace table work.component_id as
with
member as (
    select * from work.cluster_member
),

moved_record as (
    select distinct id_history.source, id_history.source_id
    from hist.id_history as id_history
),

previous as (
    select
        member.cid,
        id_registry.customer_id,
        count(*) as record_count,
        count(*) filter (where moved_record.source is null) as native_count,
        min(id_registry.first_build) as first_build
    from member
    inner join hist.id_registry as id_registry
        on id_registry.source = member.source
        and id_registry.source_id = member.source_id
    left join moved_record
        on moved_record.source = member.source
        and moved_record.source_id = member.source_id
    group by member.cid, id_registry.customer_id
),

claim as (
    select
        previous.*,
        row_number() over (
            partition by previous.customer_id
            order by previous.native_count desc, previous.record_count desc, previous.cid
        ) as claim_rank
    from previous
),

first_kept as (
    select
        claim.cid,
        min(claim.customer_id) as customer_id
    from claim
    where claim.claim_rank = 1
    group by claim.cid
),

former as (
    select
        member.cid,
        id_history.customer_id,
        count(*) as record_count
    from member
    inner join hist.id_history as id_history
        on id_history.source = member.source
        and id_history.source_id = member.source_id
    anti join first_kept
        on first_kept.cid = member.cid
    anti join first_kept as taken
        on taken.customer_id = id_history.customer_id
    group by member.cid, id_history.customer_id
),

reclaim as (
    select
        former.*,
        row_number() over (
            partition by former.customer_id
            order by former.record_count desc, former.cid
        ) as claim_rank
    from former
),

kept as (
    select * from first_kept
    union all
    select
        reclaim.cid,
        min(reclaim.customer_id) as customer_id
    from reclaim
    where reclaim.claim_rank = 1
    group by reclaim.cid
),

first_seen as (
    select
        previous.cid,
        min(previous.first_build) as first_build
    from previous
    group by previous.cid
),

issued as (
    select coalesce(max(cast(substr(issued_id, 2) as bigint)), 0) as last_sequence
    from (
        select id_registry.customer_id as issued_id from hist.id_registry as id_registry
        union all
        select id_redirect.old_customer_id from hist.id_redirect as id_redirect
    )
),

fresh as (
    select
        cluster_ids.cid,
        row_number() over (order by cluster_ids.cid) as sequence
    from (select distinct cid from work.cluster) as cluster_ids
    anti join kept
        on kept.cid = cluster_ids.cid
),

final as (
    select
        kept.cid,
        kept.customer_id,
        coalesce(first_seen.first_build, $build_id) as first_seen_build
    from kept
    left join first_seen
        on first_seen.cid = kept.cid
    union all
    select
        fresh.cid,
        'C' || lpad((issued.last_sequence + fresh.sequence)::varchar, 7, '0') as customer_id,
        coalesce(first_seen.first_build, $build_id) as first_seen_build
    from fresh
    cross join issued
    left join first_seen
        on first_seen.cid = fresh.cid
)

select * from final
