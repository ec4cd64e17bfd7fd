-- Macros of the marts, created before them.
-- A share of two counts (won ÷ (won + lost), quotes converted ÷ decided), 4 decimals;
-- null when neither happened (a rate of nothing is no 0 %).
create or replace temp macro c360_share(part, rest) as
    case
        when coalesce(part, 0) + coalesce(rest, 0) > 0
            then (part / (part + rest))::decimal(9,4)
    end;
