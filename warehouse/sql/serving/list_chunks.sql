-- The SQLite copy of a customer sub-list (serving.{table}: customer_id, seq, doc): each
-- customer's items, in seq order, as JSON arrays of {chunk_size} (chunk 0 holds positions
-- 1..{chunk_size}), every chunk carrying the customer's item count. A page is then one or
-- two chunk reads, and the file holds a row per chunk instead of one per item (with its
-- key and index entry).
-- An item's customer_id is left out of its document: the row's key says it, and no
-- sub-list's response shows it.
select
    customer_id,
    (pos - 1) // {chunk_size} as chunk,
    any_value(total) as total,
    '[' || string_agg(doc, ',' order by pos) || ']' as doc
from (
    select
        customer_id,
        replace(doc, '"customer_id":' || to_json(customer_id)::varchar || ',', '') as doc,
        row_number() over (partition by customer_id order by seq) as pos,
        count(*) over (partition by customer_id) as total
    from serving.{table}
    where customer_id is not null
)
group by customer_id, chunk
order by customer_id, chunk
