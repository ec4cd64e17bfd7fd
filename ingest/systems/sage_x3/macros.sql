-- Sage X3 conventions for its mapping profile (FORMATS.md §4); loaded after
-- ingest/sql/parse_macros.sql, whose value readers they build on.

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
