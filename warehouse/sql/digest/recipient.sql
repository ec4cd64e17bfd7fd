-- Who receives a digest on which channel (from app.db, as bound lists).
-- Parameters: $r_username, $r_owner, $r_channel (same length, same order).
create or replace temp table digest_recipient as
select
    unnest($r_username::varchar[]) as username,
    unnest($r_owner::varchar[]) as owner_name,
    unnest($r_channel::varchar[]) as channel
