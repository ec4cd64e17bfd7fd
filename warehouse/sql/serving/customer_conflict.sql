-- needs: core.customer_conflict
create or replace table serving.customer_conflict as
select
    r.customer_id,
    row_number() over (partition by r.customer_id order by r.field) as seq,
    to_json(r)::varchar as doc
from (
    select
        f.customer_id,
        f.field,
        f."values" as "values",
        f.chosen_value,
        f.chosen_source,
        f.rule
    from core.customer_conflict as f
    where f.customer_id is not null
) as r
