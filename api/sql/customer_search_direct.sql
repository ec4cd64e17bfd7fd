-- Customer search, keyset-paged on (name, customer_id).
-- $q_folded: lower-case, accent-free query; $q_compact: upper-case, spaces/dots removed.
with matched as (
    select
        c.customer_id,
        coalesce(c.name, '') as sort_name,
        c.name,
        c.siren,
        c.city,
        c.postcode,
        c.segment,
        c.owner,
        c.customer_code,
        c.outstanding_amount,
        c.overdue_amount,
        c.alert_count,
        c.source_count
    from mart.customer_360 as c
    where
        ($segment is null or c.segment = $segment)
        and ($owner is null or c.owner = $owner)
        and ($has_overdue is null or (coalesce(c.overdue_amount, 0) > 0) = $has_overdue)
        and (
            $q_folded is null
            or contains(strip_accents(lower(coalesce(c.name, ''))), $q_folded)
            or contains(strip_accents(lower(coalesce(c.city, ''))), $q_folded)
            or contains(lower(coalesce(c.email, '')), $q_folded)
            or upper(coalesce(c.customer_code, '')) = $q_compact
            or replace(coalesce(c.siren, ''), ' ', '') = $q_compact
            or replace(coalesce(c.siret, ''), ' ', '') = $q_compact
            or upper(replace(coalesce(c.vat_number, ''), ' ', '')) = $q_compact
            or (length($q_compact) = 14 and replace(coalesce(c.siren, ''), ' ', '') = left($q_compact, 9))
            or c.postcode = $q_compact
        )
),

page as (
    select *
    from matched
    where
        $after_name is null
        or matched.sort_name > $after_name
        or (matched.sort_name = $after_name and matched.customer_id > $after_id)
    order by matched.sort_name, matched.customer_id
    limit $limit
),

total as (
    select count(*) as total from matched
)

select
    total.total,
    page.*
from total
left join page on true
order by page.sort_name, page.customer_id
