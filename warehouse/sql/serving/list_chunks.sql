-- The SQLite copy of a customer sub-list (serving.{table}: seq, customer_id and the item's
-- fields): each customer's items, in seq order, in chunks of {chunk_size} (chunk 0 holds
-- positions 1..{chunk_size}), every chunk carrying the customer's item count. A page is
-- then one or two chunk reads, and the file holds a row per chunk instead of one per item
-- (with its key and index entry).
-- A chunk is a JSON array of items, each item the array of its field values ({fields});
-- the field names are stored once per list (list_keys), not once per item (they were half
-- of the bytes). An item's customer_id is left out: the row's key says it, and no sub-list's
-- response shows it.
select
    customer_id,
    (pos - 1) // {chunk_size} as chunk,
    any_value(total) as total,
    '[' || string_agg(json_array({fields})::varchar, ',' order by pos) || ']' as doc
from (
    select
        *,
        row_number() over (partition by customer_id order by seq) as pos,
        count(*) over (partition by customer_id) as total
    from serving.{table}
    where customer_id is not null
)
group by customer_id, chunk
order by customer_id, chunk
