-- needs: mart.customer_search
-- The folded search columns, keyset-ordered by (sort_name, customer_id).
create or replace table serving.customer_search as
select
    row_number() over (order by s.sort_name, s.customer_id) as seq,
    s.*
from mart.customer_search as s
