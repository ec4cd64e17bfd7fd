-- Oracle E-Business Suite conventions for its mapping profile (FORMATS.md §6); loaded after
-- ingest/sql/parse_macros.sql, whose value readers they build on.

-- Oracle NLS default dates: 05-JAN-2026, 05-JAN-26, with or without a time.
create or replace temp macro c360_oracle_date(s) as
    c360_date(s, ['%d-%b-%y', '%d-%b-%y %H:%M:%S', '%d-%b-%Y', '%d-%b-%Y %H:%M:%S', '%Y-%m-%d',
                  '%Y-%m-%d %H:%M:%S', '%d/%m/%Y']);
