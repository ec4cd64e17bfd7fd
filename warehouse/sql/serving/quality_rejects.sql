-- needs: meta.reject
insert into serving.quality_part
with per_reason as (
    select
        r.source,
        r.reason,
        count(*) as count
    from meta.reject as r
    group by r.source, r.reason
)

select
    'rejects',
    coalesce(
        to_json(list(per_reason order by per_reason.source, per_reason.count desc, per_reason.reason)), '[]'
    )::varchar
from per_reason
