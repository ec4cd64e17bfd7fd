-- Pass 4 candidates: pairs of records in different clusters sharing a block (postcode,
-- city, or city + first name token for large cities); never two different SIRENs.
-- Parameters: $max_block_size.
create or replace table work.fuzzy_pair as
with
record as (
    select
        customer_record.rid,
        customer_record.name_key,
        customer_record.postcode_key,
        customer_record.city_key,
        cluster.cid,
        cluster.siren
    from work.customer_record as customer_record
    inner join work.cluster as cluster
        on cluster.rid = customer_record.rid
    where customer_record.name_key <> ''
),

block as (
    select record.rid, 'postcode:' || record.postcode_key as block_key
    from record
    where record.postcode_key is not null
    union all
    select record.rid, 'city:' || record.city_key as block_key
    from record
    where record.city_key is not null
    union all
    select record.rid, 'city_name:' || record.city_key || '|' || split_part(record.name_key, ' ', 1)
    from record
    where record.city_key is not null
),

block_size as (
    select
        block.block_key,
        count(*) as record_count
    from block
    group by block.block_key
),

pair as (
    select distinct
        left_block.rid as rid_a,
        right_block.rid as rid_b
    from block as left_block
    inner join block as right_block
        on right_block.block_key = left_block.block_key
        and right_block.rid > left_block.rid
    inner join block_size
        on block_size.block_key = left_block.block_key
    where block_size.record_count <= $max_block_size
),

final as (
    select
        pair.rid_a,
        pair.rid_b,
        left_record.name_key as name_a,
        right_record.name_key as name_b
    from pair
    inner join record as left_record
        on left_record.rid = pair.rid_a
    inner join record as right_record
        on right_record.rid = pair.rid_b
    where left_record.cid <> right_record.cid
        and (
            left_record.siren is null
            or right_record.siren is null
            or left_record.siren = right_record.siren
        )
)

select * from final
