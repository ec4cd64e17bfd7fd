-- needs: mart.customer_360
-- order: none
-- The profile of each customer (GET /customers/{id}) but the lists it shows whole: a list
-- of one item per customer (its Arrow file, unsorted: the index says where), which the API puts
-- together with the customer's alerts, sources, conflicts and provenance (their lists'
-- documents) per request (api/profile.py). Two JSON objects in the exact shape of the
-- response (CustomerProfile in api/schemas.py: amounts as strings with two decimals,
-- timestamps RFC 3339 in UTC), so the API splices them without parsing them:
--   head     its members before the lists (identity, legal ids, coordinates, terms, money);
--   tail     its members after them (which systems know it, activity, relationship);
--   field_sources  the source each surviving field came from, in the provenance's order
--            (address, email, name, phone, SIRET; null: none), for the API to put the
--            provenance together (api/profile.py).
select
    c.customer_id,
    to_json({
        'customer_id': c.customer_id,
        'name': c.name,
        'customer_code': c.customer_code,
        'owner': c.owner,
        'segment': c.segment,
        'lifecycle_stage': c.lifecycle_stage,
        'legal': {'siren': c.siren, 'siret': c.siret, 'vat_number': c.vat_number},
        'coordinates': {
            'email': c.email,
            'phone': c.phone,
            'website': c.website,
            'street': c.street,
            'postcode': c.postcode,
            'city': c.city,
            'country': c.country
        },
        'terms': {
            'payment_terms_days': c.payment_terms_days,
            'credit_limit_amount': c360_amount(c.credit_limit_amount),
            'currency': c.currency
        },
        'financial': {
            'outstanding_amount': c360_amount(c.outstanding_amount),
            'overdue_amount': c360_amount(c.overdue_amount),
            'oldest_overdue_days': c.oldest_overdue_days,
            'unallocated_cash_amount': c360_amount(c.unallocated_cash_amount),
            'credit_balance_amount': c360_amount(c.credit_balance_amount),
            'credit_limit_amount': c360_amount(c.credit_limit_amount),
            'credit_utilisation': c.credit_utilisation::double,
            'open_orders_amount': c360_amount(c.open_orders_amount),
            'credit_exposure_amount': c360_amount(c.credit_exposure_amount),
            'revenue_ytd_amount': c360_amount(c.revenue_ytd_amount),
            'revenue_last_year_amount': c360_amount(c.revenue_last_year_amount),
            'revenue_total_amount': c360_amount(c.revenue_total_amount),
            'open_pipeline_amount': c360_amount(c.open_pipeline_amount),
            'weighted_pipeline_amount': c360_amount(c.weighted_pipeline_amount),
            'aging': {
                'not_due': c360_amount(c.aging_not_due_amount),
                'd1_30': c360_amount(c.aging_1_30_amount),
                'd31_60': c360_amount(c.aging_31_60_amount),
                'd61_90': c360_amount(c.aging_61_90_amount),
                'over_90': c360_amount(c.aging_over_90_amount)
            }
        }
    })::varchar as head,
    to_json({
        'has_crm': c.has_crm,
        'has_erp': c.has_erp,
        'has_accounting': c.has_accounting,
        'last_order_date': c.last_order_date,
        'last_invoice_date': c.last_invoice_date,
        'last_activity_date': c.last_activity_date,
        'relationship': {
            'last_activity_date': c.last_activity_date,
            'last_activity_kind': c.last_activity_kind,
            'last_activity_subject': c.last_activity_subject,
            'next_activity_date': c.next_activity_date,
            'next_activity_kind': c.next_activity_kind,
            'next_activity_subject': c.next_activity_subject,
            -- Counts are 0, never null, when the customer has none.
            'open_ticket_count': coalesce(c.open_ticket_count, 0),
            'oldest_open_ticket_date': c.oldest_open_ticket_date,
            'open_ticket_top_priority': c.open_ticket_top_priority,
            'open_quote_count': coalesce(c.open_quote_count, 0),
            'open_quotes_amount': c360_amount(c.open_quotes_amount),
            'oldest_open_quote_days': c.oldest_open_quote_days,
            'paid_invoice_count_12m': coalesce(c.paid_invoice_count_12m, 0),
            'median_days_to_pay_12m': c.median_days_to_pay_12m::double,
            'on_time_rate_12m': c.on_time_rate_12m::double,
            'median_days_to_pay_prev_12m': c.median_days_to_pay_prev_12m::double,
            'on_time_rate_prev_12m': c.on_time_rate_prev_12m::double,
            'days_to_pay_trend': c.days_to_pay_trend,
            'last_payment_date': c.last_payment_date,
            'last_purchase_date': c.last_purchase_date,
            'top_product': c.top_product
        },
        'updated_at': c360_rfc3339(c.updated_at)
    })::varchar as tail,
    [
        g.address_source, g.email_source, g.name_source, g.phone_source, g.siret_source
    ] as field_sources
from mart.customer_360 as c
left join {golden} as g on c.customer_id = g.customer_id
where c.customer_id is not null
