-- needs: core.customer_redirect
-- Where a merged id went (the latest decision); the API follows chains of merges.
create or replace table serving.customer_redirect as
select
    r.old_customer_id,
    arg_max(r.customer_id, r.build_id) as customer_id
from core.customer_redirect as r
where r.old_customer_id is not null
group by r.old_customer_id
