-- Customer search over the serving file's customer_search (SQLite), keyset-paged on seq
-- (the (name, customer_id) order). :q_folded: lower-case, accent-free; :q_compact:
-- upper-case, no spaces, dots or dashes.
select
    s.seq,
    s.customer_id,
    s.name,
    s.siren,
    s.city,
    s.postcode,
    s.segment,
    s.owner,
    s.customer_code,
    s.outstanding_amount,
    s.overdue_amount,
    s.alert_count,
    s.source_count
from customer_search as s
where
    s.seq > :after
    and (:segment is null or s.segment = :segment)
    and (:owner is null or s.owner = :owner)
    and (:has_overdue is null or s.has_overdue = :has_overdue)
    and (
        :q_folded is null
        or instr(s.folded_text, :q_folded) > 0
        or s.code_key = :q_compact
        or s.siren_key = :q_compact
        or s.siret_key = :q_compact
        or s.vat_key = :q_compact
        or (length(:q_compact) = 14 and s.siren_key = substr(:q_compact, 1, 9))
        or s.postcode = :q_compact
    )
order by s.seq
limit :limit
