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

changed as (
    select
        mine.username,
        mine.channel,
        mine.customer_id,
        mine.name,
        mine.currency,
        mine.oldest_overdue_days,
        mine.kind,
        mine.amount,
        digest_sent.amount as previous_amount,
        mine.facts,
        mine.severity_rank
    from mine
    left join digest_sent
        on digest_sent.username = mine.username
        and digest_sent.channel = mine.channel
        and digest_sent.customer_id = mine.customer_id
        and digest_sent.kind = mine.kind
    where mine.kind <> 'outstanding'
        and (digest_sent.kind is null or digest_sent.amount is distinct from mine.amount)
),

jump as (
    select
        mine.username,
        mine.channel,
        mine.customer_id,
        mine.name,
        mine.currency,
        mine.oldest_overdue_days,
        'balance_jump' as kind,
        mine.amount,
        digest_sent.amount as previous_amount,
        null as facts,
        2 as severity_rank
    from mine
    inner join digest_sent
        on digest_sent.username = mine.username
        and digest_sent.channel = mine.channel
        and digest_sent.customer_id = mine.customer_id
        and digest_sent.kind = 'outstanding'
    where mine.kind = 'outstanding'
        and mine.amount - digest_sent.amount >= $jump_min_amount
        and mine.amount - digest_sent.amount
            >= greatest(digest_sent.amount, 0) * $jump_percent / 100
)

select * from changed
union all
select * from jump
