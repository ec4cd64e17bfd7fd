-- Keep what the CRM confirmed: the changes of the records in `writeback_result` whose
-- write succeeded become the last values written.
-- Parameter (of the insert): written_at.
delete from writeback_state
using writeback_change, writeback_result
where writeback_result.ok
    and writeback_change.source = writeback_result.source
    and writeback_change.record_id = writeback_result.record_id
    and writeback_state.source = writeback_change.source
    and writeback_state.record_id = writeback_change.record_id
    and writeback_state.field = writeback_change.field;

insert into writeback_state
select
    writeback_change.source,
    writeback_change.record_id,
    writeback_change.field,
    writeback_change.new_value,
    writeback_change.customer_id,
    $written_at::timestamp
from writeback_change
inner join writeback_result
    on writeback_result.source = writeback_change.source
    and writeback_result.record_id = writeback_change.record_id
where writeback_result.ok;
