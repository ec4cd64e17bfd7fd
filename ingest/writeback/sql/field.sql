-- The CRM field each value key goes to, per source (from the settings: bound lists).
-- Parameters: $field_source, $field_key, $field_name (same length, same order).
create or replace temp table writeback_field as
select
    unnest($field_source::varchar[]) as source,
    unnest($field_key::varchar[]) as field_key,
    unnest($field_name::varchar[]) as field
