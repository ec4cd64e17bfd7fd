-- needs: core.activity, core.contact
-- order: item.occurred_at desc nulls last, item.source, item.source_id
-- Each customer's calls, e-mails, meetings, notes and tasks, latest first (an activity
-- with no date last); the contact's name when the activity names a known contact.
with
contact as (
    select
        contact.source,
        contact.source_id,
        any_value(coalesce(
            contact.full_name, nullif(trim(concat_ws(' ', contact.first_name, contact.last_name)), '')
        )) as contact_name
    from core.contact as contact
    group by all
)

select
    -- The item's fields, in the order of its Arrow file's columns.
    r.*
from (
    select
        a.customer_id,
        a.source,
        a.source_id,
        a.kind,
        a.subject,
        a.occurred_at,
        a.status,
        a.outcome,
        a.owner,
        a.contact_source_id,
        contact.contact_name
    from core.activity as a
    left join contact
        on contact.source = a.source
        and contact.source_id = a.contact_source_id
    where a.customer_id is not null
) as r
