-- What each record's write gave (from the vendor answers: bound lists).
-- Parameters: $result_source, $result_record, $result_ok, $result_message.
create or replace temp table writeback_result as
select
    unnest($result_source::varchar[]) as source,
    unnest($result_record::varchar[]) as record_id,
    unnest($result_ok::boolean[]) as ok,
    unnest($result_message::varchar[]) as message
