-- Today's balances, replacing an earlier build of the same day. Parameters: $as_of.
delete from hist.balance_history where build_date = $as_of;
insert into hist.balance_history
select build_date, customer_id, outstanding_amount, overdue_amount, build_id
from mart.balance_history
where build_date = $as_of
