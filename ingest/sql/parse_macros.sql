-- Value readers shared by every mapping profile. Each takes raw text and returns a typed
-- value or NULL; the staging query turns "raw not empty but typed NULL" into a reject
-- reason. Conventions from FORMATS.md: Sage X3 blank ' ' and 1753-01-01, SAP 00000000,
-- Odoo `false`, all mean "no value".

-- Hot path: these run on every cell of every file, so they use plain string functions
-- (strpos, replace, prefix) and reach for a regular expression only when a value needs it.
-- Blank: null, only spaces, or a short placeholder. Only a value of at most 6 characters,
-- or one starting with a space, is trimmed: trimming every cell cost more than the rest of
-- c360_text (measured 1.4 s of 1.8 s on 6 columns × 300k rows).
create or replace temp macro c360_blank(s) as
    s is null
    or (length(s) <= 6 and lower(trim(s)) in ('', 'false', 'null', 'none', 'nan', 'n/a', '#n/a'))
    or (starts_with(s, ' ') and length(trim(s)) = 0);

-- Text: blank as above, runs of white space inside made one space, the ends trimmed. Most
-- cells have nothing to trim: `trim` (which copies the value) runs only when the first or
-- last character is a space or not ASCII (the other spaces `trim` removes: U+00A0, U+2000…,
-- U+3000), which halved its cost on a 1M-row export.
create or replace temp macro c360_text(s) as
    case when c360_blank(s) then null
         when strpos(s, '  ') > 0 or strpos(s, chr(10)) > 0 or strpos(s, chr(13)) > 0
              or strpos(s, chr(9)) > 0
         then trim(regexp_replace(s, '\s+', ' ', 'g'))
         when starts_with(s, ' ') or ends_with(s, ' ') or ascii(s) > 127 or ascii(s[-1]) > 127
         then trim(s)
         else s end;

-- Amounts: spaces (incl. no-break and narrow no-break) and apostrophes are thousands
-- separators; SAP puts the minus after the number, accountants in parentheses; `dec` is
-- the decimal mark ('.', ',' or 'auto': the last of ',' and '.').
create or replace temp macro c360_num_strip(s) as
    replace(replace(replace(replace(trim(s), ' ', ''), chr(160), ''), chr(8239), ''), '''', '');

create or replace temp macro c360_num_signed(v) as
    case when suffix(v, '-') then '-' || left(v, length(v) - 1)
         when prefix(v, '(') and suffix(v, ')') then '-' || substr(v, 2, length(v) - 2)
         else v end;

create or replace temp macro c360_num_mark(v, dec) as
    case when dec = ',' then replace(replace(v, '.', ''), ',', '.')
         when dec = '.' then replace(v, ',', '')
         when strpos(v, ',') = 0 then v
         when strpos(v, '.') = 0 then replace(v, ',', '.')
         when strpos(reverse(v), ',') < strpos(reverse(v), '.')
              then replace(replace(v, '.', ''), ',', '.')
         else replace(v, ',', '') end;

-- The usual shapes (`1 234,56`, `-12.5`, `1,234.56`) read in one pass; only what fails
-- there (a trailing minus, parentheses) goes through the sign handling.
create or replace temp macro c360_num_fast(s, dec) as
    case when dec = ',' then replace(replace(c360_num_strip(s), '.', ''), ',', '.')
         when dec = '.' then replace(c360_num_strip(s), ',', '')
         when strpos(s, ',') = 0 then c360_num_strip(s)
         when strpos(s, '.') = 0 then replace(c360_num_strip(s), ',', '.')
         end;

create or replace temp macro c360_num_slow(s, dec) as
    (case when prefix(trim(s), '-') or suffix(trim(s), '-') or prefix(trim(s), '(')
          then -1 else 1 end)
    * try_cast(c360_num_mark(trim(c360_num_strip(s), '-()'), dec) as decimal(18, 4));

create or replace temp macro c360_num_text(s, dec) as
    c360_num_mark(c360_num_signed(c360_num_strip(s)), dec);

create or replace temp macro c360_decimal(s, dec) as
    case when c360_blank(s) then null
         else coalesce(try_cast(c360_num_fast(s, dec) as decimal(18, 2)),
                       cast(c360_num_slow(s, dec) as decimal(18, 2))) end;

-- The same when the file's decimal mark is known (',' or '.'): blanks and `false` fail
-- both reads and come out NULL, so no separate blank test is needed here.
create or replace temp macro c360_decimal_known(s, dec) as
    coalesce(try_cast(c360_num_fast(s, dec) as decimal(18, 2)),
             cast(c360_num_slow(s, dec) as decimal(18, 2)));

create or replace temp macro c360_decimal4(s, dec) as
    case when c360_blank(s) then null
         else coalesce(try_cast(c360_num_fast(s, dec) as decimal(18, 4)),
                       c360_num_slow(s, dec)) end;

create or replace temp macro c360_integer(s, dec) as
    case when c360_blank(s) then null
         else try_cast(coalesce(try_cast(c360_num_fast(s, dec) as decimal(18, 4)),
                                c360_num_slow(s, dec)) as integer) end;

create or replace temp macro c360_boolean(s) as
    case when s is null or trim(s) = '' then null
         when lower(trim(s)) in ('true', 't', 'yes', 'y', 'oui', 'o', '1', 'x', 'vrai') then true
         when lower(trim(s)) in ('false', 'f', 'no', 'n', 'non', '0', 'faux') then false
         else null end;

create or replace temp macro c360_null_date(s) as
    c360_blank(s)
    or trim(s) in ('00000000', '0000-00-00', '1753-01-01', '01/01/1753', '31/12/1599',
                   '1599-12-31', '00.00.0000', '1900-01-01 00:00:00.000');

-- OData v2 `/Date(1546992000000)/` or `/Date(1546992000000+0000)/`: epoch milliseconds.
create or replace temp macro c360_odata_ts(s) as
    case when prefix(trim(s), '/Date(')
              and regexp_matches(trim(s), '^/Date\(-?\d+([+-]\d{4})?\)/$')
         then make_timestamp(
             cast(regexp_extract(trim(s), '^/Date\((-?\d+)', 1) as bigint) * 1000)
         end;

-- The profile's formats first (the pipeline puts the file's own format at the head of
-- the list); only a value they cannot read is checked for a "no date" sentinel, then
-- tried as an OData date and as ISO 8601 with a zone (stored as UTC wall time).
-- Sentinels that do parse (SQL Server's 1753-01-01, X3's 31/12/1599, 1900-01-01
-- midnight) are no date either: no business document is dated before 1800.
create or replace temp macro c360_ts_clean(t) as
    case when t < timestamp '1800-01-01' or t = timestamp '1900-01-01 00:00:00' then null
         else t end;

create or replace temp macro c360_timestamp(s, fmts) as
    c360_ts_clean(coalesce(
        try_strptime(trim(s), fmts),
        case when not c360_null_date(s) then coalesce(
            c360_odata_ts(s),
            case when length(s) >= 16 and regexp_matches(trim(s), '^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}.*([zZ]|[+-]\d{2}(:?\d{2})?)$')
                 then try_cast(timezone('UTC', try_cast(trim(s) as timestamptz)) as timestamp) end
        ) end
    ));

create or replace temp macro c360_date(s, fmts) as
    cast(c360_timestamp(s, fmts) as date);

-- Why a non-empty value did not read as a date: a person should see the difference
-- between "31/02/2026 does not exist" and "not a date".
create or replace temp macro c360_date_problem(s, hint) as
    case when regexp_matches(trim(s), '^(\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}|\d{4}-\d{1,2}-\d{1,2}|\d{8})([ T].*)?$')
         then 'date ' || trim(s) || ' does not exist'
         else '''' || left(trim(s), 40) || ''' is not a date (expected ' || hint || ')' end;

-- ISO 4217 active currency codes: a three-letter value outside this list ("XYZ", a typo
-- like "EUE") is a reject naming the value, not a silently unknown currency.
create or replace temp macro c360_currency_known(c) as c in (
    'AED', 'AFN', 'ALL', 'AMD', 'ANG', 'AOA', 'ARS', 'AUD', 'AWG', 'AZN', 'BAM', 'BBD',
    'BDT', 'BGN', 'BHD', 'BIF', 'BMD', 'BND', 'BOB', 'BRL', 'BSD', 'BTN', 'BWP', 'BYN',
    'BZD', 'CAD', 'CDF', 'CHF', 'CLP', 'CNY', 'COP', 'CRC', 'CUP', 'CVE', 'CZK', 'DJF',
    'DKK', 'DOP', 'DZD', 'EGP', 'ERN', 'ETB', 'EUR', 'FJD', 'FKP', 'GBP', 'GEL', 'GHS',
    'GIP', 'GMD', 'GNF', 'GTQ', 'GYD', 'HKD', 'HNL', 'HTG', 'HUF', 'IDR', 'ILS', 'INR',
    'IQD', 'IRR', 'ISK', 'JMD', 'JOD', 'JPY', 'KES', 'KGS', 'KHR', 'KMF', 'KPW', 'KRW',
    'KWD', 'KYD', 'KZT', 'LAK', 'LBP', 'LKR', 'LRD', 'LSL', 'LYD', 'MAD', 'MDL', 'MGA',
    'MKD', 'MMK', 'MNT', 'MOP', 'MRU', 'MUR', 'MVR', 'MWK', 'MXN', 'MYR', 'MZN', 'NAD',
    'NGN', 'NIO', 'NOK', 'NPR', 'NZD', 'OMR', 'PAB', 'PEN', 'PGK', 'PHP', 'PKR', 'PLN',
    'PYG', 'QAR', 'RON', 'RSD', 'RUB', 'RWF', 'SAR', 'SBD', 'SCR', 'SDG', 'SEK', 'SGD',
    'SHP', 'SLE', 'SOS', 'SRD', 'SSP', 'STN', 'SVC', 'SYP', 'SZL', 'THB', 'TJS', 'TMT',
    'TND', 'TOP', 'TRY', 'TTD', 'TWD', 'TZS', 'UAH', 'UGX', 'USD', 'UYU', 'UZS', 'VES',
    'VND', 'VUV', 'WST', 'XAF', 'XCD', 'XCG', 'XOF', 'XPF', 'YER', 'ZAR', 'ZMW', 'ZWG'
);

-- An ISO-8601 instant (with Z, +0000, +00:00 or, from the JSON reader, `+00`) as UTC wall
-- time; a value without an offset is taken as already UTC.
create or replace temp macro c360_utc_ts(s) as
    case when c360_null_date(s) then null
         when regexp_matches(trim(s), '\d{2}:\d{2}(:\d{2}(\.\d+)?)?\s*([zZ]|[+-]\d{2}(:?\d{2})?)$')
              then try_cast(timezone('UTC', try_cast(trim(s) as timestamptz)) as timestamp)
         else try_cast(trim(s) as timestamp) end;
