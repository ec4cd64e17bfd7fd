-- The suppression keys of one erasure: the address, the phone and each CRM record id.
insert or ignore into meta.erasure_key
select 'email', erasure_hash('email', erasure_email($email))
where erasure_email($email) is not null;

insert or ignore into meta.erasure_key
select 'phone', erasure_hash('phone', erasure_phone($phone))
where erasure_phone($phone) is not null;

insert or ignore into meta.erasure_key
select distinct 'contact', erasure_hash('contact', source || ':' || source_id)
from _erased_contact;
