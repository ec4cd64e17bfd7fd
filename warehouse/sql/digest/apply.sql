-- Replace the state of the recipients in `digest_done` by the items they have now.
-- Parameter (of the insert): sent_at.
delete from digest_sent
using digest_done
where digest_sent.username = digest_done.username
    and digest_sent.channel = digest_done.channel;

insert into digest_sent
select
    digest_recipient.username,
    digest_recipient.channel,
    digest_item.customer_id,
    digest_item.kind,
    digest_item.amount,
    $sent_at::timestamp
from digest_recipient
inner join digest_done
    on digest_done.username = digest_recipient.username
    and digest_done.channel = digest_recipient.channel
inner join digest_item
    on digest_item.owner = digest_recipient.owner_name;
