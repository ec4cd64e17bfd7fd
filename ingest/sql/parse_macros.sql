-- Value readers shared by every mapping profile. Each takes raw text and returns a typed
-- value or NULL; the staging query turns "raw not empty but typed NULL" into a reject
-- reason. Conventions from FORMATS.md: Sage X3 blank ' ' and 1753-01-01, SAP 00000000,
-- Odoo `false`, all mean "no value".

create or replace temp macro c360_blank(s) as
    s is null
    or trim(s) = ''
    or lower(trim(s)) in ('false', 'null', 'none', 'nan', 'n/a', '#n/a');

create or replace temp macro c360_text(s) as
    case when c360_blank(s) then null else trim(regexp_replace(s, '\s+', ' ', 'g')) end;

-- Amounts: spaces (incl. no-break and narrow no-break) are thousands separators;
-- SAP puts the minus after the number; `dec` is the decimal mark ('.', ',' or 'auto').
create or replace temp macro c360_num_text(s, dec) as (
    with t as (
        select regexp_replace(trim(s), '[\s\x{00A0}\x{202F}'']', '', 'g') as v
    ), signed as (
        select case
            when v like '%-' then '-' || left(v, length(v) - 1)
            when v like '(%)' then '-' || substr(v, 2, length(v) - 2)
            else v end as v
        from t
    )
    select case
        when dec = ',' then replace(replace(v, '.', ''), ',', '.')
        when dec = '.' then replace(v, ',', '')
        -- auto: the last of ',' and '.' is the decimal mark
        when strpos(v, ',') > 0 and strpos(v, '.') > 0 then
            case when strpos(reverse(v), ',') < strpos(reverse(v), '.')
                 then replace(replace(v, '.', ''), ',', '.')
                 else replace(v, ',', '') end
        when strpos(v, ',') > 0 then replace(v, ',', '.')
        else v end
    from signed
);

create or replace temp macro c360_decimal(s, dec) as
    case when c360_blank(s) then null
         else try_cast(c360_num_text(s, dec) as decimal(18, 2)) end;

create or replace temp macro c360_decimal4(s, dec) as
    case when c360_blank(s) then null
         else try_cast(c360_num_text(s, dec) as decimal(18, 4)) end;

create or replace temp macro c360_integer(s, dec) as
    case when c360_blank(s) then null
         else try_cast(try_cast(c360_num_text(s, dec) as decimal(18, 4)) as integer) end;

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
    case when regexp_matches(trim(s), '^/Date\(-?\d+([+-]\d{4})?\)/$')
         then make_timestamp(
             cast(regexp_extract(trim(s), '^/Date\((-?\d+)', 1) as bigint) * 1000)
         end;

create or replace temp macro c360_timestamp(s, fmts) as
    case when c360_null_date(s) then null
         else coalesce(
             c360_odata_ts(s),
             try_strptime(trim(s), fmts),
             -- ISO 8601 with a zone: stored as UTC wall time
             case when regexp_matches(trim(s), '^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}.*([zZ]|[+-]\d{2}(:?\d{2})?)$')
                  then try_cast(timezone('UTC', try_cast(trim(s) as timestamptz)) as timestamp) end
         ) end;

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
