-- Ledger-based customers: Σ open items = Σ of their receivable lines (balanced lettering
-- groups net to zero, so the ledger balance must survive the open-item construction).
-- Empty when no accounting source delivered receivable lines.
with
ledger_balance as (
    select open_item.customer_id, sum(open_item.amount_open) as open_amount
    from core.open_item as open_item
    where open_item.basis = 'ledger'
    group by open_item.customer_id
),

line_balance as (
    select receivable_item.customer_id, sum(receivable_item.amount) as line_amount
    from core.receivable_item as receivable_item
    inner join core.source as source_config
        on source_config.name = receivable_item.source
        and source_config.role = 'accounting'
    where receivable_item.customer_id in (select customer_id from ledger_balance)
        and (
            receivable_item.account is null
            or len(list_filter($receivable_prefixes, lambda p: starts_with(receivable_item.account, p))) > 0
        )
    group by receivable_item.customer_id
)

select ledger_balance.customer_id, ledger_balance.open_amount, line_balance.line_amount
from ledger_balance
full join line_balance
    on line_balance.customer_id = ledger_balance.customer_id
where coalesce(ledger_balance.open_amount, 0) <> coalesce(line_balance.line_amount, 0)
