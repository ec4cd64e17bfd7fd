-- One log line per field written (or attempted), for the admins' GET /writeback.
-- Parameters: $run_id, $written_at.
select
    $run_id as run_id,
    $written_at::timestamp as written_at,
    writeback_change.customer_id,
    writeback_change.source,
    writeback_change.record_id,
    writeback_change.field,
    writeback_change.old_value,
    writeback_change.new_value,
    case when writeback_result.ok then 'ok' else 'failed' end as result,
    writeback_result.message
from writeback_change
inner join writeback_result
    on writeback_result.source = writeback_change.source
    and writeback_result.record_id = writeback_change.record_id
order by writeback_change.source, writeback_change.record_id, writeback_change.field
