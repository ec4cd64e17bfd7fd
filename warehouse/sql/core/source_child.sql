-- core.{table}: live staging.{table} rows with the golden customer_id of their parent
-- customer record (null when the parent is blank, unknown or deleted: see core.orphan).
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

final as (
    select
        customer_xref.customer_id,
        staged.* exclude (is_deleted)
    from staged
    left join customer_xref
        on customer_xref.source = staged.source
        and customer_xref.source_id = staged.customer_source_id
)

select * from final
