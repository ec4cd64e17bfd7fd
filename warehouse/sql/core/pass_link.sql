-- Links of one key pass: every record of a key group is linked to the group's anchor
-- (its first ERP record, else its first record): n - 1 links per group, never n².
-- A group holding two different SIRENs is split by SIREN; records without one stay apart.
-- Parameters: $rule, $cross_source_only (the xref pass only links different sources).
create or replace table work.pass_link as
with
pass_key as (
    select * from work.pass_key
),

keyed as (
    select
        pass_key.rid,
        pass_key.match_key,
        pass_key.evidence,
        customer_record.source,
        customer_record.role,
        cluster.cid,
        cluster.siren
    from pass_key
    inner join work.customer_record as customer_record
        on customer_record.rid = pass_key.rid
    inner join work.cluster as cluster
        on cluster.rid = pass_key.rid
),

key_group as (
    select
        keyed.match_key,
        count(distinct keyed.siren) as siren_count
    from keyed
    group by keyed.match_key
),

member as (
    select
        keyed.*,
        case
            when key_group.siren_count > 1
                then coalesce(keyed.siren, '#' || keyed.rid::varchar)
            else ''
        end as sub_key
    from keyed
    inner join key_group
        on key_group.match_key = keyed.match_key
),

anchor as (
    select
        member.match_key,
        member.sub_key,
        coalesce(min(member.rid) filter (where member.role = 'erp'), min(member.rid))
            as anchor_rid
    from member
    group by member.match_key, member.sub_key
),

final as (
    select
        anchor.anchor_rid as rid_a,
        member.rid as rid_b,
        $rule as rule,
        1.0::double as score,
        member.evidence
    from member
    inner join anchor
        on anchor.match_key = member.match_key
        and anchor.sub_key = member.sub_key
    inner join work.customer_record as anchor_record
        on anchor_record.rid = anchor.anchor_rid
    where member.rid <> anchor.anchor_rid
        and (not $cross_source_only or member.source <> anchor_record.source)
)

select * from final
