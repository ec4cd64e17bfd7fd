-- Per recipient and channel, the items that are new or whose amount changed since the
-- last digest run, and the balance jumps: an outstanding that rose by at least
-- $jump_min_amount and $jump_percent % of what it was.
create or replace temp table digest_new as
with
mine as (
    select
        digest_recipient.username,
        digest_recipient.channel,
        digest_item.*
    from digest_recipient
    inner join digest_item
        on digest_item.owner = digest_recipient.owner_name
),

-- Each item beside what the last run sent of the same kind (a balance beside the last
-- balance sent).
compared as (
    select
        mine.*,
        digest_sent.kind is not null as was_sent,
        digest_sent.amount as previous_amount
    from mine
    left join digest_sent
        on digest_sent.username = mine.username
        and digest_sent.channel = mine.channel
        and digest_sent.customer_id = mine.customer_id
        and digest_sent.kind = mine.kind
),

-- A balance is news only as a jump; any other item when new or its amount changed.
final as (
    select
        compared.username,
        compared.channel,
        compared.customer_id,
        compared.name,
        compared.currency,
        compared.oldest_overdue_days,
        case when compared.kind = 'outstanding' then 'balance_jump' else compared.kind end
            as kind,
        compared.amount,
        compared.previous_amount,
        case when compared.kind <> 'outstanding' then compared.facts end as facts,
        case when compared.kind = 'outstanding' then 2 else compared.severity_rank end
            as severity_rank
    from compared
    where (
            compared.kind <> 'outstanding'
            and (not compared.was_sent or compared.previous_amount is distinct from compared.amount)
        )
        or (
            compared.kind = 'outstanding'
            and compared.amount - compared.previous_amount >= $jump_min_amount
            and compared.amount - compared.previous_amount
                >= greatest(compared.previous_amount, 0) * $jump_percent / 100
        )
)

select * from final
