-- Luhn check over a digit string (SIREN, SIRET), used when ingest left a flag empty.
create or replace temp macro luhn_ok(s) as (
    regexp_full_match(s, '[0-9]+')
    and list_sum(list_transform(
        range(length(s)),
        lambda i: case
            when i % 2 = 0 then cast(substr(s, length(s) - i, 1) as integer)
            when cast(substr(s, length(s) - i, 1) as integer) * 2 > 9
                then cast(substr(s, length(s) - i, 1) as integer) * 2 - 9
            else cast(substr(s, length(s) - i, 1) as integer) * 2
        end
    )) % 10 = 0
)
