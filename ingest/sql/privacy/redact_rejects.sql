-- Rejected rows naming the person keep their reason (rows stay accounted for), not the row.
update meta.reject set raw = '[erased]'
where contains(lower(raw), erasure_email($email))
   or (erasure_phone($phone) is not null and contains(raw, $phone));
