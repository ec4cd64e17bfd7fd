-- core.{table} (activities, tickets): live staging.{table} rows with a golden customer_id:
-- their own customer record, else the company of the contact they name, else the customer
-- of the deal / opportunity they name (same source). Null when none is known: the row is
-- kept, never attached by guess.
create or replace table core.{table} as
with
staged as (
    select *
    from stg.staging.{table}
    where not is_deleted
),

customer_xref as (
    select * from core.customer_xref
),

-- Odoo mail.activity.res_id is the partner's database id, while an import-compatible
-- export names the partner __export__.res_partner_<id>_<hash>: the id inside matches.
partner_db_id as (
    select
        customer_xref.source,
        regexp_extract(customer_xref.source_id, '^__export__\.res_partner_(\d+)_', 1) as db_id,
        any_value(customer_xref.customer_id) as customer_id
    from customer_xref
    where regexp_matches(customer_xref.source_id, '^__export__\.res_partner_\d+_')
    group by all
),

contact as (
    select
        contact.source,
        contact.source_id,
        any_value(contact.customer_id) as customer_id
    from core.contact as contact
    where contact.customer_id is not null
    group by all
),

opportunity as (
    select
        opportunity.source,
        opportunity.source_id,
        any_value(opportunity.customer_id) as customer_id
    from core.opportunity as opportunity
    where opportunity.customer_id is not null
    group by all
),

final as (
    select
        coalesce(
            own.customer_id, by_db_id.customer_id, contact.customer_id, opportunity.customer_id
        ) as customer_id,
        staged.* exclude (is_deleted)
    from staged
    left join customer_xref as own
        on own.source = staged.source
        and own.source_id = staged.customer_source_id
    left join partner_db_id as by_db_id
        on by_db_id.source = staged.source
        and by_db_id.db_id = staged.customer_source_id
    left join contact
        on contact.source = staged.source
        and contact.source_id = staged.contact_source_id
    left join opportunity
        on opportunity.source = staged.source
        and opportunity.source_id = staged.opportunity_source_id
)

select * from final
