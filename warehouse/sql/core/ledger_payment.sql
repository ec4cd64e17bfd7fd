-- Receipts in the books and the invoices each settles (docs/profiles.md, "Payments").
-- A receipt is a receivable item of kind payment on the credit side. When the source's
-- lines on other accounts are loaded (a FEC: staging.ledger_line), it must also be in an
-- entry that moves a bank or cash account (PCG classes 51 and 53, fixed by the French
-- chart of accounts): a 411 credit in an OD entry (a transfer to 416 doubtful debts, a
-- write-off) or in the sales journal (a credit note) is not a payment. Without them (SAP
-- BSID/BSAD), the system's own kind says so (DZ / ZP documents, posting key 15).
-- The invoices it settles: the invoice items (debit) of the same source and customer
-- account sharing its lettering (SAP clearing document AUGBL, FEC EcritureLet; a credit
-- note in the group settles nothing and is no payment), plus, for a payment staged by the
-- profile, the invoice items its invoice_ref names as an accounting document (SAP REBZG:
-- the invoice a partial payment refers to). An invoice is named by its reference
-- (XBLNR, PieceRef), else its document number, as core/invoice_payment.sql names it.
-- Then:
--   core.payment rows of a source with receivable items gain those invoices in invoice_ref;
--   the receipts of a source that stages no payment of its own (a FEC) join core.payment
--   (those naming a known customer: the others are listed as orphan ledger lines already),
--   unless an ERP source other than their own is configured (its payments win, as ERP
--   invoices win over the books': core/ledger_invoice.sql).
-- Method of a FEC receipt: the treasury account's kind (5112 cheque, 5113/5114 bill of
-- exchange, 53 cash, other 51 bank).
-- Parameters: $currency.
create or replace table core.ledger_payment as
with
item as (
    select
        receivable_item.*,
        nullif(trim(receivable_item.lettering), '') as letter
    from core.receivable_item as receivable_item
),

ledger_source as (
    select distinct staged.source
    from stg.staging.ledger_line as staged
    where not staged.is_deleted
),

treasury_entry as (
    select
        staged.source,
        staged.journal,
        staged.entry_number,
        arg_max(staged.account, abs(staged.amount)) as account
    from stg.staging.ledger_line as staged
    where not staged.is_deleted
        and (starts_with(staged.account, '51') or starts_with(staged.account, '53'))
    group by all
),

receipt as (
    select
        item.*,
        treasury_entry.account as treasury_account
    from item
    left join treasury_entry
        on treasury_entry.source = item.source
        and treasury_entry.journal = item.journal
        and treasury_entry.entry_number = item.entry_number
    where item.kind = 'payment'
        and item.amount < 0
        and (
            treasury_entry.account is not null
            or item.source not in (select ledger_source.source from ledger_source)
        )
),

invoice_item as (
    select
        item.*,
        coalesce(item.document_ref, item.entry_number) as invoice_number
    from item
    where item.kind = 'invoice'
        and item.amount > 0
),

lettered as (
    select
        receipt.source,
        receipt.source_id,
        invoice_item.invoice_number
    from receipt
    inner join invoice_item
        on invoice_item.source = receipt.source
        and invoice_item.customer_source_id = receipt.customer_source_id
        and invoice_item.letter = receipt.letter
),

named as (
    select
        payment.source,
        payment.source_id,
        invoice_item.invoice_number
    from core.payment as payment,
        unnest(string_split(payment.invoice_ref, ';')) as ref(token)
    inner join invoice_item
        on invoice_item.source = payment.source
        and invoice_item.customer_source_id = payment.customer_source_id
        and invoice_item.entry_number = trim(ref.token)
),

settles as (
    select
        source,
        source_id,
        string_agg(distinct invoice_number, ';' order by invoice_number) as invoice_ref
    from (
        select * from lettered
        union all
        select * from named
    )
    group by all
),

final as (
    select
        receipt.customer_id,
        receipt.source,
        receipt.source_id,
        receipt.customer_source_id,
        coalesce(
            staged.payment_number,
            receipt.document_ref,
            receipt.journal || '/' || receipt.entry_number,
            receipt.source_id
        ) as payment_number,
        receipt.posting_date as payment_date,
        (-receipt.amount)::decimal(18,2) as amount,
        coalesce(receipt.currency, $currency) as currency,
        settles.invoice_ref,
        case
            when receipt.treasury_account is null then null
            when starts_with(receipt.treasury_account, '5112') then 'cheque'
            when starts_with(receipt.treasury_account, '5113')
                or starts_with(receipt.treasury_account, '5114') then 'bill of exchange'
            when starts_with(receipt.treasury_account, '53') then 'cash'
            else 'bank'
        end as method,
        receipt.letter as lettering,
        receipt._run_id,
        receipt._file,
        receipt._line
    from receipt
    left join settles
        on settles.source = receipt.source
        and settles.source_id = receipt.source_id
    left join core.payment as staged
        on staged.source = receipt.source
        and staged.source_id = receipt.source_id
)

select * from final
order by final.source, final.payment_date, final.source_id;

-- A profile's payment keeps the invoices it names that are no documents of the books.
update core.payment as payment
set invoice_ref = resolved.invoice_ref
from (
    select
        payment.source,
        payment.source_id,
        string_agg(distinct ref.invoice_number, ';' order by ref.invoice_number) as invoice_ref
    from core.payment as payment
    inner join (
        select settled.source, settled.source_id, unnest(string_split(settled.invoice_ref, ';'))
            as invoice_number
        from core.ledger_payment as settled
        where settled.invoice_ref is not null
        union all
        select named.source, named.source_id, trim(token.value) as invoice_number
        from core.payment as named,
            unnest(string_split(named.invoice_ref, ';')) as token(value)
        where nullif(trim(token.value), '') is not null
            and not exists (
                select 1
                from core.receivable_item as book
                where book.source = named.source
                    and book.customer_source_id = named.customer_source_id
                    and book.entry_number = trim(token.value)
                    and book.kind = 'invoice'
            )
    ) as ref
        on ref.source = payment.source
        and ref.source_id = payment.source_id
    where payment.source in (select book.source from core.receivable_item as book)
    group by all
) as resolved
where resolved.source = payment.source
    and resolved.source_id = payment.source_id;

insert into core.payment by name
select
    ledger_payment.customer_id,
    ledger_payment.source,
    ledger_payment.source_id,
    ledger_payment.customer_source_id,
    ledger_payment.payment_number,
    ledger_payment.payment_date,
    ledger_payment.amount,
    ledger_payment.currency,
    ledger_payment.invoice_ref,
    ledger_payment.method,
    ledger_payment._run_id,
    ledger_payment._file,
    ledger_payment._line
from core.ledger_payment as ledger_payment
where ledger_payment.customer_id is not null  -- else listed once, as an orphan ledger line
    and ledger_payment.source not in (select staged.source from core.payment as staged)
    and not exists (
        select 1
        from core.source as erp
        where erp.role = 'erp' and erp.name <> ledger_payment.source
    );
