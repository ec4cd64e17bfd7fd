-- The redirects of this build replace the previous ones.
delete from hist.id_redirect;
insert into hist.id_redirect
select old_customer_id, customer_id, build_id from core.customer_redirect
