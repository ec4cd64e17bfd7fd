-- Dynamics 365 conventions for its mapping profile (FORMATS.md §3); loaded after
-- ingest/sql/parse_macros.sql.

-- A record's currency as the Web API gives it: the `transactioncurrencyid` navigation
-- property expanded (`$expand=transactioncurrencyid($select=isocurrencycode)`, or written
-- in that shape by the connector on a change-tracking read), JSON text
-- `{"isocurrencycode": "USD", "transactioncurrencyid": "<guid>"}`; null when the record
-- names no currency (the settings' currency then applies).
create or replace temp macro c360_d365_currency(expanded) as
    nullif(trim(json_extract_string(expanded, '$.isocurrencycode')), '');
