-- Vendor conventions used by the salesforce / dynamics365 / sage_x3 / sap / oracle_ebs
-- mapping profiles (FORMATS.md §2–§6). Loaded after parse_macros.sql.

-- An ISO-8601 instant (with Z, +0000, +00:00 or, from the JSON reader, `+00`) as UTC wall
-- time; a value without an offset is taken as already UTC.
create or replace temp macro c360_utc_ts(s) as
    case when c360_null_date(s) then null
         when regexp_matches(trim(s), '\d{2}:\d{2}(:\d{2}(\.\d+)?)?\s*([zZ]|[+-]\d{2}(:?\d{2})?)$')
              then try_cast(timezone('UTC', try_cast(trim(s) as timestamptz)) as timestamp)
         else try_cast(trim(s) as timestamp) end;

-- Sage X3 dates: ' ' and the null-date sentinels (1753-01-01 on SQL Server, also as a
-- datetime `1753-01-01 00:00:00.000`; 31/12/1599) are "no date".
create or replace temp macro c360_x3_date(s) as
    case when c360_null_date(s)
           or left(trim(s), 10) in ('1753-01-01', '01/01/1753', '1599-12-31', '31/12/1599')
         then null
         else c360_date(s, ['%d/%m/%Y', '%Y-%m-%d', '%Y-%m-%d %H:%M:%S.%g', '%Y-%m-%d %H:%M:%S',
                            '%d/%m/%Y %H:%M:%S', '%d/%m/%y', '%d%m%y', '%Y%m%d']) end;

create or replace temp macro c360_x3_ts(s) as
    case when c360_null_date(s)
           or left(trim(s), 10) in ('1753-01-01', '01/01/1753', '1599-12-31', '31/12/1599')
         then null
         else c360_timestamp(s, ['%Y-%m-%d %H:%M:%S.%g', '%Y-%m-%d %H:%M:%S', '%d/%m/%Y %H:%M:%S',
                                 '%d/%m/%Y %H:%M', '%d/%m/%Y', '%Y-%m-%d']) end;

-- Sage X3 payment-term codes (`30JFM`, `60NET`, `45FDM`, `COMPTANT`) → days: cash terms are
-- 0, otherwise the first number of the code; NULL when the code holds no number.
create or replace temp macro c360_x3_pte_days(s) as
    case when c360_blank(s) then null
         when regexp_matches(upper(trim(s)), '^(COMPTANT|CPT|CASH|IMM)') then 0
         else try_cast(regexp_extract(trim(s), '(\d+)', 1) as integer) end;

-- Due date from a start date and an X3 term code: `…FM`/`…FDM` (fin de mois) = end of the
-- month after adding the days, otherwise start + days.
create or replace temp macro c360_x3_due(start, pte) as
    case when start is null then null
         when c360_x3_pte_days(pte) is null then start
         when regexp_matches(upper(trim(pte)), 'F(D)?M')
              then last_day(start + c360_x3_pte_days(pte))
         else start + c360_x3_pte_days(pte) end;

-- SAP ZTERM → days when the code spells them (NT30, Z030, ZB45); 0001 is "payable
-- immediately" in the standard customising; other purely numeric codes need T052: NULL.
create or replace temp macro c360_sap_zterm_days(s) as
    case when c360_blank(s) then null
         when trim(s) = '0001' then 0
         when regexp_full_match(upper(trim(s)), '[A-Z]+0*\d+')
              then try_cast(regexp_extract(trim(s), '(\d+)$', 1) as integer) end;

-- SAP DATS (YYYYMMDD, 00000000 = none) or a GUI download's dd.mm.yyyy.
create or replace temp macro c360_sap_date(s) as
    c360_date(s, ['%Y%m%d', '%d.%m.%Y', '%Y-%m-%d', '%d/%m/%Y']);

-- SAP net due date (FORMATS.md §5.3): baseline ZFBDT + ZBD3T if set, else ZBD2T, else
-- ZBD1T; a credit (H) that refers to no invoice (REBZG blank) is due at the baseline.
create or replace temp macro c360_sap_due(zfbdt, d1, d2, d3, shkzg, rebzg) as
    c360_sap_date(zfbdt) + case
        when upper(trim(coalesce(shkzg, ''))) = 'H' and c360_blank(rebzg) then 0
        else coalesce(nullif(c360_integer(d3, '.'), 0), nullif(c360_integer(d2, '.'), 0),
                      c360_integer(d1, '.'), 0) end;

-- Oracle NLS default dates: 05-JAN-2026, 05-JAN-26, with or without a time.
create or replace temp macro c360_oracle_date(s) as
    c360_date(s, ['%d-%b-%y', '%d-%b-%y %H:%M:%S', '%d-%b-%Y', '%d-%b-%Y %H:%M:%S', '%Y-%m-%d',
                  '%Y-%m-%d %H:%M:%S', '%d/%m/%Y']);

-- ---------------------------------------------------------------------------------------
-- generic (ingest/profiles/generic.toml)
-- ---------------------------------------------------------------------------------------

-- A list of document references as typed by hand: ';' or ',' between them, spaces around
-- ignored; NULL when it names none.
create or replace temp macro c360_ref_list(s) as
    nullif(
        array_to_string(
            list_filter(
                list_transform(string_split(replace(coalesce(s, ''), ',', ';'), ';'), lambda x: trim(x)),
                lambda x: x <> ''
            ),
            ';'
        ),
        ''
    );
