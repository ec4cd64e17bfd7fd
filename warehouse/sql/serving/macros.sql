-- Macros of the serving documents, created before the serving relations.
-- A timestamp in a document is RFC 3339 in UTC ("2026-11-27T02:00:00Z"): the warehouse
-- keeps UTC without an offset, and the API's `date-time` (and any client reading the
-- document) needs one. Fractions of a second only when there are some, as the API writes them.
create or replace temp macro c360_rfc3339(ts) as
    strftime(ts, '%Y-%m-%dT%H:%M:%S')
    || case when epoch_us(ts) % 1000000 = 0 then '' else strftime(ts, '.%f') end
    || 'Z';
-- An amount as the API sends it: a JSON string with exactly two decimals ("1234.50").
create or replace temp macro c360_amount(x) as x::decimal(18, 2)::varchar;
-- JSON text kept by the warehouse (evidence, conflict values) embedded as JSON when it
-- parses, else as the string it is (api/snapshot.parse_json, the same rule).
create or replace temp macro c360_json(text) as
    case when json_valid(text) then text::json else to_json(text) end;
