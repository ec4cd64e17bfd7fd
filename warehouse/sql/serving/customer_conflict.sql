-- needs: core.customer_conflict
-- order: item.field
-- Each document in the shape of the API's Conflict (api/schemas.py): the values of each
-- source as JSON.
select
    f.customer_id,
    -- The order; the list stores the documents alone.
    f.field,
    to_json({
        'field': f.field,
        'values': c360_json(f."values"),
        'chosen_value': f.chosen_value,
        'chosen_source': f.chosen_source,
        'rule': f.rule
    })::varchar as doc
from core.customer_conflict as f
where f.customer_id is not null
