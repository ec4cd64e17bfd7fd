-- needs: mart.data_quality
insert into serving.quality_part
with checked as (
    select
        d.check_name,
        d.severity,
        count(*) as count
    from mart.data_quality as d
    group by d.check_name, d.severity
)

select
    'checks',
    coalesce(
        to_json(list(checked order by checked.check_name, checked.severity)), '[]'
    )::varchar
from checked
