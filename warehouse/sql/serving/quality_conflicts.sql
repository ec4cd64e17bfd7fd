-- needs: core.customer_conflict
insert into serving.quality_part
with by_field as (
    select
        f.field,
        count(*) as count
    from core.customer_conflict as f
    group by f.field
)

select
    'conflicts',
    coalesce(to_json(list(by_field order by by_field.count desc, by_field.field)), '[]')::varchar
from by_field
