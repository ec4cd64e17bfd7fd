-- Apply the suppression list to staging (at erase time and after every source's merge).
-- The contact rows naming an erased person (by address, phone or CRM record id) are
-- noted with where they came from (their lines are scrubbed from landing), then removed.
create or replace temp table _erased_rows as
select source, source_id, _run_id, _file, _line
from staging.contact
where erasure_hash('email', erasure_email(email))
          in (select key_hash from meta.erasure_key where kind = 'email')
   or erasure_hash('phone', erasure_phone(phone))
          in (select key_hash from meta.erasure_key where kind = 'phone')
   or erasure_hash('contact', source || ':' || source_id)
          in (select key_hash from meta.erasure_key where kind = 'contact');

-- Activities and tickets are the company's history: they stay, but lose the link to the
-- person and their free text (titles and outcomes often name them).
update staging.activity set contact_source_id = null, subject = null, outcome = null
where contact_source_id is not null
  and erasure_hash('contact', source || ':' || contact_source_id)
      in (select key_hash from meta.erasure_key where kind = 'contact');

update staging.ticket set contact_source_id = null, subject = null
where contact_source_id is not null
  and erasure_hash('contact', source || ':' || contact_source_id)
      in (select key_hash from meta.erasure_key where kind = 'contact');

delete from staging.contact c
using _erased_rows e
where c.source = e.source and c.source_id = e.source_id;
