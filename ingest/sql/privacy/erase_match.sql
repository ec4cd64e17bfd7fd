-- The staging contacts naming the person: by e-mail (case-insensitive) or phone.
select source, source_id, _run_id, _file, _line
from staging.contact
where erasure_email(email) = erasure_email($email)
   or (erasure_phone($phone) is not null and erasure_phone(phone) = erasure_phone($phone))
order by source, source_id;
