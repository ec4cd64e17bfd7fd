select
    f.field,
    f."values" as "values",
    f.chosen_value,
    f.chosen_source,
    f.rule
from core.customer_conflict as f
where f.customer_id = $customer_id
order by f.field
