-- Payment behaviour and quote conversion of a period by segment: average days-to-pay
-- (total ÷ count of the invoices settled in the period), on-time rate, conversion.
-- Parameters: $date_from, $date_to, $as_of.
select
    k.segment,
    sum(k.paid_invoice_count)::bigint as paid_invoice_count,
    case
        when sum(k.paid_invoice_count) > 0
            then round(sum(k.days_to_pay_total) / sum(k.paid_invoice_count), 1)::decimal(9, 1)
    end as avg_days_to_pay,
    case
        when sum(k.paid_invoice_count) > 0
            then (sum(k.paid_on_time_count) / sum(k.paid_invoice_count))::decimal(9, 4)
    end as on_time_rate,
    sum(k.quotes_issued_count)::bigint as quotes_issued_count,
    case
        when sum(k.quotes_won_count) + sum(k.quotes_lost_count) > 0
            then (
                sum(k.quotes_won_count) / (sum(k.quotes_won_count) + sum(k.quotes_lost_count))
            )::decimal(9, 4)
    end as quote_conversion_rate
from mart.kpi_monthly as k
where
    ($date_from is null or k.month >= $date_from)
    and ($date_to is null or k.month <= $date_to)
    and k.month <= date_trunc('month', $as_of::date)
group by k.segment
having sum(k.paid_invoice_count) + sum(k.quotes_issued_count) > 0
order by k.segment
