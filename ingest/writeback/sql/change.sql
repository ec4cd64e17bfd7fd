-- The CRM fields whose value differs from the last one written (a first write of an empty
-- value is no change: the field is empty already). `writeback_field` maps each source's
-- value keys to its CRM field names. `record_no` numbers the changed records of a source
-- (1, 2, …) so that they are read and sent a slice at a time, in order.
create or replace temp table writeback_change as
with
wanted as (
    select
        writeback_value.source,
        writeback_value.record_id,
        writeback_value.customer_id,
        writeback_field.field,
        writeback_value.field_key,
        writeback_value.value
    from writeback_value
    inner join writeback_field
        on writeback_field.source = writeback_value.source
        and writeback_field.field_key = writeback_value.field_key
),

final as (
    select
        wanted.source,
        wanted.record_id,
        wanted.customer_id,
        wanted.field,
        wanted.field_key,
        writeback_state.value as old_value,
        wanted.value as new_value
    from wanted
    left join writeback_state
        on writeback_state.source = wanted.source
        and writeback_state.record_id = wanted.record_id
        and writeback_state.field = wanted.field
    where wanted.value is distinct from writeback_state.value
        and not (writeback_state.source is null and wanted.value is null)
)

select
    final.*,
    dense_rank() over (partition by final.source order by final.record_id) as record_no
from final
order by final.source, record_no, final.field
