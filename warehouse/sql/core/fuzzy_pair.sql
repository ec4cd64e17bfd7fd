-- Pass 4 candidates: pairs of records in different clusters sharing a block (postcode or
-- city, each with the first letters of the name), at least one of them still alone
-- (records already matched by a stronger pass are only compared with leftovers); never
-- two different SIRENs. A block whose pairs exceed $max_block_pairs is skipped.
create or replace table work.fuzzy_pair as
with
record as (
    select
        customer_record.rid,
        customer_record.name_key,
        customer_record.postcode_key,
        customer_record.city_key,
        cluster.cid,
        cluster.siren,
        count(*) over (partition by cluster.cid) = 1 as is_alone
    from work.customer_record as customer_record
    inner join work.cluster as cluster
        on cluster.rid = customer_record.rid
    where customer_record.name_key <> ''
),

-- Blocks pair a place with the start of the name: a postcode or a city alone holds
-- thousands of companies in a large book (quadratic candidates), while a name variant
-- ("DUPONT", "Ets Dupont", "Dupont S.A.S.") keeps its first letters once legal forms and
-- accents are gone. The token-sorted key catches words in another order.
block as (
    select
        record.rid,
        record.is_alone,
        'postcode_name:' || record.postcode_key || '|' || left(record.name_key, 3) as block_key
    from record
    where record.postcode_key is not null and list_contains($blocking, 'postcode_name')
    union all
    select
        record.rid,
        record.is_alone,
        'city_name:' || record.city_key || '|' || left(record.name_key, 3)
    from record
    where record.city_key is not null and list_contains($blocking, 'city_name')
    union all
    select
        record.rid,
        record.is_alone,
        'postcode_sorted:' || record.postcode_key || '|'
        || left(list_sort(string_split(record.name_key, ' '))[1], 3)
    from record
    where record.postcode_key is not null and list_contains($blocking, 'postcode_sorted')
),

block_size as (
    select
        block.block_key,
        count(*) as record_count,
        count(*) filter (where block.is_alone) as alone_count
    from block
    group by block.block_key
    having count(*) filter (where block.is_alone) > 0
        and count(*) filter (where block.is_alone) * count(*) <= $max_block_pairs
),

usable_block as (
    select block.*
    from block
    semi join block_size
        on block_size.block_key = block.block_key
),

directed_pair as (
    select
        alone_block.rid as alone_rid,
        other_block.rid as other_rid
    from usable_block as alone_block
    inner join usable_block as other_block
        on other_block.block_key = alone_block.block_key
        and other_block.rid <> alone_block.rid
    where alone_block.is_alone
        and (not other_block.is_alone or other_block.rid > alone_block.rid)
),

pair as (
    select distinct
        least(directed_pair.alone_rid, directed_pair.other_rid) as rid_a,
        greatest(directed_pair.alone_rid, directed_pair.other_rid) as rid_b
    from directed_pair
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
