-- Open quotes, one row each with its age: the quotes whose outcome is open
-- (core.quote_outcome: draft, sent or of unknown status, still valid, not an order).
-- Parameters: none.
create or replace table core.open_quote as
select
    quote_outcome.customer_id,
    quote_outcome.source,
    quote_outcome.source_id,
    quote_outcome.quote_number,
    quote_outcome.status,
    quote_outcome.issue_date,
    quote_outcome.valid_until,
    quote_outcome.amount,
    quote_outcome.currency,
    quote_outcome.owner,
    quote_outcome.age_days
from core.quote_outcome as quote_outcome
where quote_outcome.outcome = 'open'
order by
    quote_outcome.customer_id,
    quote_outcome.issue_date,
    quote_outcome.source,
    quote_outcome.source_id
