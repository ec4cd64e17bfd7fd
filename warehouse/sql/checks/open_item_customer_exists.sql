-- Every open item belongs to a golden customer.
select open_item.source, open_item.document_ref, open_item.customer_id
from core.open_item as open_item
anti join core.customer as customer
    on customer.customer_id = open_item.customer_id
