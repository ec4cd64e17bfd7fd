-- Every cross-reference points to an existing golden customer.
select customer_xref.source, customer_xref.source_id, customer_xref.customer_id
from core.customer_xref as customer_xref
anti join core.customer as customer
    on customer.customer_id = customer_xref.customer_id
