-- The recipients and channels whose digest went out (or had nothing to say): their
-- state becomes what they were told now. Parameters: $d_username, $d_channel.
create or replace temp table digest_done as
select
    unnest($d_username::varchar[]) as username,
    unnest($d_channel::varchar[]) as channel
