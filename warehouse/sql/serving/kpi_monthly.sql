-- needs: mart.kpi_monthly
create or replace table serving.kpi_monthly as
select
    row_number() over (
        order by r.month, r.segment nulls first, r.owner nulls first
    ) as seq,
    r.month,
    r.segment,
    to_json(r)::varchar as doc
from (
    select
        k.month,
        k.segment,
        k.owner,
        k.revenue_amount,
        k.credit_note_amount,
        k.pipeline_amount,
        k.weighted_pipeline_amount,
        k.won_count,
        k.lost_count,
        k.win_rate,
        k.active_customers,
        k.new_customers,
        k.dso_days,
        k.overdue_share
    from mart.kpi_monthly as k
) as r
