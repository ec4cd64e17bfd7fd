-- needs: core.quote_outcome
-- order: item.outcome = 'open' desc, item.issue_date desc nulls last, item.source, item.source_id
-- Each customer's quotes with their outcome (open, ordered, accepted, refused, expired)
-- and the order each became; open ones first, then the latest issued.
select
    -- The item's fields, in the order of its Arrow file's columns.
    r.*
from (
    select
        q.customer_id,
        q.source,
        q.source_id,
        q.quote_number,
        q.status,
        q.outcome,
        q.issue_date,
        q.valid_until,
        q.amount as amount_excl_tax,
        q.amount_incl_tax,
        q.currency,
        q.owner,
        q.order_number,
        q.decided_date,
        -- An age only while it waits for an answer.
        case when q.outcome = 'open' then q.age_days end as age_days
    from core.quote_outcome as q
) as r
