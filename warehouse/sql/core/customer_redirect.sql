-- Ids that stopped being golden: merged into another customer. Earlier redirects are
-- kept and re-pointed when their target was merged in turn. Parameters: $build_id.
create or replace table core.customer_redirect as
with
member as (
    select * from work.cluster_member
),

previous as (
    select distinct
        member.cid,
        id_registry.customer_id as old_customer_id
    from member
    inner join hist.id_registry as id_registry
        on id_registry.source = member.source
        and id_registry.source_id = member.source_id
),

new_redirect as (
    select
        previous.old_customer_id,
        component_id.customer_id,
        $build_id as build_id
    from previous
    inner join work.component_id as component_id
        on component_id.cid = previous.cid
    where previous.old_customer_id <> component_id.customer_id
        and previous.old_customer_id not in (select customer_id from work.component_id)
),

earlier_redirect as (
    select
        id_redirect.old_customer_id,
        coalesce(new_redirect.customer_id, id_redirect.customer_id) as customer_id,
        id_redirect.build_id
    from hist.id_redirect as id_redirect
    left join new_redirect
        on new_redirect.old_customer_id = id_redirect.customer_id
    where id_redirect.old_customer_id not in (select customer_id from work.component_id)
        and id_redirect.old_customer_id not in (select old_customer_id from new_redirect)
),

final as (
    select * from new_redirect
    union all
    select * from earlier_redirect
)

select * from final
