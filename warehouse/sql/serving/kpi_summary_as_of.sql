-- needs: mart.balance_history
-- GET /kpis/summary `as_of`: the balance history's latest build date.
create or replace table serving.kpi_summary_as_of as
select strftime(max(h.build_date), '%Y-%m-%d') as as_of
from mart.balance_history as h
