-- The as-of date of the published figures: the balance history's latest build date.
select max(h.build_date) as as_of
from mart.balance_history as h
