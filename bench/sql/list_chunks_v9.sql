-- The sub-list copy of serving contract version 9 (warehouse/sql/serving/list_chunks.sql
-- until the lists became Arrow files), kept for bench/serving_lists.py to measure against.
-- The SQLite copy of a customer sub-list (its items: seq, customer_id and the fields,
-- the list's own select from serving/<list>.sql, evaluated here rather than stored first):
-- each customer's items, in seq order, in chunks of {chunk_size} (chunk 0 holds
-- positions 1..{chunk_size}), every chunk carrying the customer's item count. A page is
-- then one or two chunk reads, and the file holds a row per chunk instead of one per item
-- (with its key and index entry).
-- A chunk is a JSON array of items, each item the array of its field values ({fields});
-- the field names are stored once per list (list_keys), not once per item (they were half
-- of the bytes). An item's customer_id is left out: the row's key says it, and no sub-list's
-- response shows it.
-- Every list's seq is its item's position among the customer's items (1..n, a row_number
-- per customer in the list's order), so an item's chunk is read off its seq: no window
-- over the items (a sort of all of them, the most of this query's cost at a million
-- customers). A list whose seq is not that fails the build here rather than serving
-- pages with holes.
select
    customer_id,
    chunk,
    total,
    case
        when first = 1 and last = total then doc
        else error('serving list {table}: seq is not each customer''s positions 1..n')
    end as doc
from (
    -- The customer's figures over its chunks (few rows: a chunk holds {chunk_size} items).
    select
        customer_id,
        chunk,
        sum(n) over (partition by customer_id) as total,
        min(first) over (partition by customer_id) as first,
        max(last) over (partition by customer_id) as last,
        doc
    from (
        select
            customer_id,
            (seq - 1) // {chunk_size} as chunk,
            count(*) as n,
            min(seq) as first,
            max(seq) as last,
            -- Measured cheaper than string_agg(... order by seq), in time and memory.
            c360_doc_array(seq, json_array({fields})::varchar) as doc
        from {items}
        where customer_id is not null
        group by customer_id, chunk
    )
)
-- The SQLite key's order: its B-tree then fills by appending (measured at 1M customers,
-- cheaper overall than unordered rows inserted at random into the key's index).
order by customer_id, chunk
