-- needs: mart.kpi_monthly
-- Every column of mart.kpi_monthly: a snapshot built before a KPI was added (served with
-- a serving file made for it) then answers without it, never fails.
create or replace table serving.kpi_monthly as
select
    row_number() over (
        order by r.month, r.segment nulls first, r.owner nulls first
    ) as seq,
    r.month,
    r.segment,
    to_json(r)::varchar as doc
from mart.kpi_monthly as r

