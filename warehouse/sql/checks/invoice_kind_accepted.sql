-- Invoice kinds are invoice or credit_note.
select invoice.source, invoice.source_id, invoice.kind
from core.invoice as invoice
where invoice.kind is null or invoice.kind not in ('invoice', 'credit_note')
