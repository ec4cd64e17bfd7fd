-- Relationship KPIs month by month for a period, totalled over segments and owners (or
-- one segment), never after the as-of month: quotes issued and their conversion, tickets
-- opened and closed, invoices settled and their average days-to-pay (total ÷ count).
-- Parameters: $date_from, $date_to, $segment, $as_of.
select
    k.month,
    sum(k.quotes_issued_count)::bigint as quotes_issued_count,
    sum(k.quotes_won_count)::bigint as quotes_won_count,
    sum(k.quotes_lost_count)::bigint as quotes_lost_count,
    case
        when sum(k.quotes_won_count) + sum(k.quotes_lost_count) > 0
            then (
                sum(k.quotes_won_count) / (sum(k.quotes_won_count) + sum(k.quotes_lost_count))
            )::decimal(9, 4)
    end as quote_conversion_rate,
    sum(k.tickets_opened_count)::bigint as tickets_opened_count,
    sum(k.tickets_closed_count)::bigint as tickets_closed_count,
    sum(k.paid_invoice_count)::bigint as paid_invoice_count,
    case
        when sum(k.paid_invoice_count) > 0
            then round(sum(k.days_to_pay_total) / sum(k.paid_invoice_count), 1)::decimal(9, 1)
    end as avg_days_to_pay
from mart.kpi_monthly as k
where
    ($date_from is null or k.month >= $date_from)
    and ($date_to is null or k.month <= $date_to)
    and k.month <= date_trunc('month', $as_of::date)
    and ($segment is null or k.segment = $segment)
group by k.month
having
    sum(k.quotes_issued_count) + sum(k.tickets_opened_count) + sum(k.tickets_closed_count)
    + sum(k.paid_invoice_count) > 0
order by k.month
