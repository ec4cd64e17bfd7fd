-- Customer search over the folded index (mart.customer_search, built with the snapshot),
-- keyset-paged on
-- (name, customer_id). $q_folded: lower-case, accent-free; $q_compact: upper-case, no spaces.
with matched as (
    select *
    from mart.customer_search as s
    where
        ($segment is null or s.segment = $segment)
        and ($owner is null or s.owner = $owner)
        and ($has_overdue is null or s.has_overdue = $has_overdue)
        and (
            $q_folded is null
            or contains(s.folded_text, $q_folded)
            or s.code_key = $q_compact
            or s.siren_key = $q_compact
            or s.siret_key = $q_compact
            or s.vat_key = $q_compact
            or (length($q_compact) = 14 and s.siren_key = left($q_compact, 9))
            or s.postcode = $q_compact
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
