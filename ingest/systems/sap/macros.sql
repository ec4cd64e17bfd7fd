-- SAP conventions for its mapping profile (FORMATS.md §5); loaded after
-- ingest/sql/parse_macros.sql, whose value readers they build on.

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
