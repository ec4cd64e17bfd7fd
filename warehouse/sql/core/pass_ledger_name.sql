-- Ledger-name step, exact names: an account whose name is borne by exactly one golden
-- customer of the other sources, and by no other account of its books, links to it.
-- Several customers of that name (same-name companies in two towns) or several accounts
-- of it: every pair goes to the review queue, never merged on a name alone.
create or replace table work.pass_link as
select
    candidate.ledger_rid as rid_a,
    candidate.candidate_rid as rid_b,
    'ledger_name' as rule,
    1.0::double as score,
    json_object(
        'rule', 'ledger_name',
        'match', 'exact',
        'account', candidate.account,
        'name_a', candidate.ledger_name,
        'name_b', candidate.candidate_name,
        'customers', candidate.customer_count,
        'accounts', candidate.account_count
    )::varchar as evidence
from work.ledger_name_candidate as candidate
where candidate.customer_count = 1
    and candidate.account_count = 1;

insert into work.review
select
    candidate.ledger_rid,
    candidate.candidate_rid,
    1.0::double,
    json_object(
        'rule', 'ledger_name',
        'match', 'ambiguous',
        'account', candidate.account,
        'name_a', candidate.ledger_name,
        'name_b', candidate.candidate_name,
        'customers', candidate.customer_count,
        'accounts', candidate.account_count
    )::varchar
from work.ledger_name_candidate as candidate
where candidate.customer_count > 1
    or candidate.account_count > 1
