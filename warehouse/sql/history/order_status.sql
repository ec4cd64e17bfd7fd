-- Each order status the first build it was seen in. Parameters: $build_id.
insert into hist.order_status
select source, source_id, status, $build_id
from core.sales_order
where status is not null
on conflict (source, source_id, status) do nothing
