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
where
    ($date_from is null or k.month >= $date_from)
    and ($date_to is null or k.month <= $date_to)
    and ($segment is null or k.segment = $segment)
