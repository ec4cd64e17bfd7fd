-- Text as the passes compare it: lower case, ligatures and letters that carry no accent
-- to strip spelt out (Bœuf & Cœur = Boeuf & Coeur, Æ, ß, ﬁ, ø, ł…), then accents removed.
-- strip_accents alone leaves them, and the punctuation rule below would then cut the
-- word in two ('b uf').
create or replace temp macro c360_fold(s) as
    strip_accents(list_reduce(
        [
            ['œ', 'oe'], ['æ', 'ae'], ['ß', 'ss'], ['ĳ', 'ij'], ['þ', 'th'],
            ['ﬀ', 'ff'], ['ﬁ', 'fi'], ['ﬂ', 'fl'], ['ﬃ', 'ffi'], ['ﬄ', 'ffl'],
            ['ﬅ', 'st'], ['ﬆ', 'st'], ['ǆ', 'dz'], ['ǳ', 'dz'], ['ǉ', 'lj'], ['ǌ', 'nj'],
            ['ø', 'o'], ['đ', 'd'], ['ð', 'd'], ['ł', 'l'], ['ŀ', 'l'], ['ı', 'i'],
            ['ħ', 'h'], ['ŧ', 't'], ['ŋ', 'n'], ['ſ', 's'], ['ĸ', 'k']
        ],
        lambda folded, pair: replace(folded, pair[1], pair[2]),
        lower(s)
    ));

-- The customer-code key, from a source's code or one read from an account number
-- (core/account_code.sql).
create or replace temp macro c360_code_key(code) as nullif(upper(trim(code)), '');

-- One row per live source customer record, with the normalised keys the passes compare.
-- Parameters: $free_mail_domains (list), $legal_forms (list).
create or replace table work.customer_record as
with
source_config as (
    select * from core.source
),

staged as (
    select *
    from stg.staging.customer
    where not is_deleted
),

cleaned as (
    select
        staged.*,
        source_config.system,
        source_config.role,
        regexp_replace(coalesce(staged.siren, ''), '[^0-9]', '', 'g') as siren_digits,
        regexp_replace(coalesce(staged.siret, ''), '[^0-9]', '', 'g') as siret_digits,
        upper(regexp_replace(coalesce(staged.vat_number, ''), '[^0-9A-Za-z]', '', 'g')) as vat_compact,
        regexp_replace(
            regexp_replace(c360_fold(coalesce(staged.name, '')), '[.]', '', 'g'),
            '[^a-z0-9]+', ' ', 'g'
        ) as name_clean
    from staged
    inner join source_config
        on source_config.name = staged.source
),

validated as (
    select
        cleaned.*,
        regexp_full_match(cleaned.siren_digits, '[0-9]{9}')
            and coalesce(cleaned.siren_valid, luhn_ok(cleaned.siren_digits)) as siren_ok,
        regexp_full_match(cleaned.siret_digits, '[0-9]{14}')
            and coalesce(cleaned.siret_valid, luhn_ok(cleaned.siret_digits))
            and luhn_ok(left(cleaned.siret_digits, 9)) as siret_ok,
        regexp_full_match(cleaned.vat_compact, '[A-Z]{2}[0-9A-Z]{2,13}')
            and coalesce(cleaned.vat_valid, true) as vat_ok
    from cleaned
),

final as (
    select
        row_number() over (order by validated.source, validated.source_id) as rid,
        validated.*,
        case
            -- At establishment level the key is the SIRET itself: two sites of one company
            -- stay two customers, and a record without a valid SIRET has no legal key.
            when $match_level = 'establishment' then
                case when validated.siret_ok then validated.siret_digits end
            when validated.siret_ok then left(validated.siret_digits, 9)
            when validated.siren_ok then validated.siren_digits
            when validated.vat_ok
                and regexp_full_match(validated.vat_compact, 'FR[0-9A-Z]{2}[0-9]{9}')
                and luhn_ok(right(validated.vat_compact, 9))
                then right(validated.vat_compact, 9)
        end as match_siren,
        c360_code_key(validated.customer_code) as code_key,
        -- A ledger account the source gives no customer code (one general account per
        -- customer, no auxiliary account): it links by a code read from its number, or by
        -- its name alone (core/pass_ledger_name.sql).
        validated.role = 'accounting' and c360_code_key(validated.customer_code) is null
            as ledger_account,
        array_to_string(
            list_filter(
                string_split(validated.name_clean, ' '),
                lambda t: t <> '' and not list_contains($legal_forms, t)
            ),
            ' '
        ) as name_key,
        case
            when validated.email like '%_@_%' and coalesce(validated.email_valid, true)
                and not list_contains(
                    $free_mail_domains, lower(trim(split_part(validated.email, '@', 2)))
                )
                then lower(trim(split_part(validated.email, '@', 2)))
        end as email_domain,
        nullif(upper(regexp_replace(coalesce(validated.postcode, ''), '\s', '', 'g')), '')
            as postcode_key,
        nullif(
            trim(regexp_replace(c360_fold(coalesce(validated.city, '')), '[^a-z0-9]+', ' ', 'g')),
            ''
        ) as city_key,
        case
            when coalesce(validated.phone_valid, true)
                and regexp_full_match(validated.phone, '\+[1-9][0-9]{6,14}')
                then validated.phone
        end as phone_key
    from validated
)

select * from final
