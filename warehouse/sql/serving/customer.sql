-- needs: mart.customer_360
-- Every customer and its owner: the access check of every customer route reads it (a
-- salesperson reaches only their own customers), in the key's order.
create or replace table serving.customer as
select c.customer_id, c.owner
from mart.customer_360 as c
where c.customer_id is not null
