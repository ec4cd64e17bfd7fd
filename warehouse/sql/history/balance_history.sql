-- Today's balances, replacing an earlier build of the same day. Parameters: $as_of.
-- An upsert, and a delete of only the customers gone since: deleting the day's rows and
-- inserting the same keys again made DuckDB's commit take 52 s at 1M customers (its
-- primary-key index), every build after the first of a day.
delete from hist.balance_history as h
where h.build_date = $as_of
    and not exists (
        select 1
        from mart.balance_history as m
        where m.build_date = $as_of and m.customer_id = h.customer_id
    );
insert into hist.balance_history
select build_date, customer_id, outstanding_amount, overdue_amount, build_id
from mart.balance_history
where build_date = $as_of
on conflict (build_date, customer_id) do update set
    outstanding_amount = excluded.outstanding_amount,
    overdue_amount = excluded.overdue_amount,
    build_id = excluded.build_id
