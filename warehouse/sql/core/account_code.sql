-- Customer codes embedded in account numbers: a source's `account_code` pattern, its
-- group `code` read from the source id (the account number) of the records the source
-- gives no code (a FEC's per-customer general accounts: 41100559 → 00559). The whole
-- number must match. The xref pass then links them to the CRM/ERP records holding that
-- code. Run once per source that sets a pattern (DuckDB wants a constant pattern to
-- read a named group). Parameters: $source, $account_code.
update work.customer_record
set
    customer_code = extracted.code,
    code_key = c360_code_key(extracted.code)
from (
    select
        customer_record.rid,
        nullif(
            trim(regexp_extract(
                customer_record.source_id, '^(?:' || $account_code || ')$', ['code']
            ).code),
            ''
        ) as code
    from work.customer_record as customer_record
    where customer_record.source = $source
        and customer_record.code_key is null
) as extracted
where work.customer_record.rid = extracted.rid
    and extracted.code is not null
