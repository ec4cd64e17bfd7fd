select
    c.source,
    c.source_id,
    c.first_name,
    c.last_name,
    c.full_name,
    c.email,
    c.phone,
    c.job_title
from core.contact as c
where c.customer_id = $customer_id
