-- Daily balances kept across builds: earlier days from history.duckdb, today's from
-- this build (a re-run on the same day replaces that day). Parameters: $as_of, $build_id.
create or replace table mart.balance_history as
with
earlier as (
    select
        balance_history.build_date,
        balance_history.customer_id,
        balance_history.outstanding_amount,
        balance_history.overdue_amount,
        balance_history.build_id
    from hist.balance_history as balance_history
    where balance_history.build_date <> $as_of
),

today as (
    select
        $as_of::date as build_date,
        customer_360.customer_id,
        customer_360.outstanding_amount,
        customer_360.overdue_amount,
        $build_id as build_id
    from mart.customer_360 as customer_360
),

final as (
    select * from earlier
    union all
    select * from today
)

select * from final
order by build_date, customer_id
