"""What the pipeline should find: truth.json, and the c360.toml that points at the inbox.

Everything here comes from the generator's own world (companies, ledger, how the books
were kept), never from c360's code. Per company:

- `records`: the source records that are the same customer (the expected links);
- money as of `as_of`, by the team's rule, over the customer's open items. A customer
  with lines in the books takes its open items from them (unlettered lines one by one,
  plus the residual of each lettering group that does not balance); any other takes its
  open ERP invoices. Debit items are amounts > 0, credit items amounts < 0 (unlettered
  payments, credit notes, negative residuals); C = -Σ credit items is the unallocated
  cash. Debit items, oldest first by (document_date, due_date, document_ref, source),
  are covered by C: covered_i = least(amount_i, greatest(0, C - Σ_{j<i} amount_j)),
  remaining_i = amount_i - covered_i. Overdue and the aging buckets use the remaining
  amounts; the credit left after every debit is a negative 'not_due' amount, so the
  buckets sum to the outstanding (= Σ items). A ledger item is due at its document date
  + the customer's payment terms (known only from the ERP), else DEFAULT_TERMS_DAYS;
- revenue excluding tax by issue date: from the ERP's posted invoices minus credit notes,
  or, without an ERP, from the books' sales entries (Σ 7xx credit - debit of each entry
  holding a customer line), which cover the fiscal year of `as_of` only.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from demo_company.companies import Company
from demo_company.config import CURRENCY, DEFAULT_TERMS_DAYS, USERS, ZERO
from demo_company.ledger import Ledger
from demo_company.shape import ACCOUNT_CODE_PATTERN, Shape
from demo_company.writers.fec import Books, ledger_open_items

CONFIG_HEAD = """\
data_dir = "data"
as_of = "{as_of}"
currency = "{currency}"
"""
CRM_SOURCE = """
[[sources]]
name = "crm"
system = "hubspot"
role = "crm"
inbox = "inbox/hubspot"
"""
ERP_SOURCE = """
[[sources]]
name = "erp"
system = "odoo"
role = "erp"
inbox = "inbox/odoo"
"""
ACCOUNTING_SOURCE = """
[[sources]]
name = "compta"
system = "fec"
role = "accounting"
inbox = "inbox/fec"
"""
BUCKETS = ("not_due", "1_30", "31_60", "61_90", "over_90")


def write_config(path: Path, as_of: date, shape: Shape | None = None) -> Path:
    shape = shape or Shape()
    text = CONFIG_HEAD.format(as_of=as_of.isoformat(), currency=CURRENCY) + CRM_SOURCE
    if shape.erp:
        text += ERP_SOURCE
    text += ACCOUNTING_SOURCE
    if shape.per_account:
        # Accounts 411<code> carry the ERP/CRM customer code; the others link by name.
        text += f"account_code = {json.dumps(ACCOUNT_CODE_PATTERN)}\n"
    path.write_text(text, encoding="utf-8")
    return path


@dataclass(frozen=True)
class Item:
    amount: Decimal
    document_date: date
    due_date: date
    document_ref: str
    source: str


@dataclass
class Money:
    outstanding: Decimal = ZERO
    overdue: Decimal = ZERO
    oldest_overdue_days: int = 0
    unallocated: Decimal = ZERO
    buckets: dict[str, Decimal] | None = None


def bucket_of(due: date, as_of: date) -> str:
    days = (as_of - due).days
    if days <= 0:
        return "not_due"
    if days <= 30:
        return "1_30"
    if days <= 60:
        return "31_60"
    if days <= 90:
        return "61_90"
    return "over_90"


def settle(items: list[Item], as_of: date) -> Money:
    """Outstanding, overdue, oldest overdue days and aging of one customer's open items."""
    buckets = dict.fromkeys(BUCKETS, ZERO)
    cash = -sum((i.amount for i in items if i.amount < ZERO), ZERO)
    debits = sorted(
        (i for i in items if i.amount > ZERO),
        key=lambda i: (i.document_date, i.due_date, i.document_ref, i.source),
    )
    money = Money(outstanding=sum((i.amount for i in items), ZERO), unallocated=cash)
    before = ZERO
    for item in debits:
        covered = min(item.amount, max(ZERO, cash - before))
        before += item.amount
        remaining = item.amount - covered
        bucket = bucket_of(item.due_date, as_of)
        buckets[bucket] += remaining
        if remaining > ZERO and bucket != "not_due":
            money.overdue += remaining
            money.oldest_overdue_days = max(money.oldest_overdue_days, (as_of - item.due_date).days)
    buckets["not_due"] -= max(ZERO, cash - before)  # credit balance left over
    money.buckets = buckets
    assert sum(buckets.values(), ZERO) == money.outstanding
    return money


def open_items(
    companies: list[Company], ledger: Ledger, books: Books, as_of: date, shape: Shape
) -> dict[str, list[Item]]:
    """Company key -> its open items: from the books when it has lines there, else the ERP."""
    ledger_items = ledger_open_items(ledger, books, as_of)
    in_books = _companies_in_books(ledger, books, as_of)
    terms = {c.key: c.payment_days if shape.erp else DEFAULT_TERMS_DAYS for c in companies}
    out: dict[str, list[Item]] = defaultdict(list)
    for key, items in ledger_items.items():
        days = timedelta(days=terms[key])
        out[key] = [
            Item(i.amount, i.document_date, i.document_date + days, i.document_ref, "compta")
            for i in items
        ]
    if shape.erp:
        for inv in ledger.invoices:
            key = inv.company.key
            if inv.state == "posted" and key not in in_books and inv.residual > ZERO:
                out[key].append(Item(inv.residual, inv.invoice_date, inv.due_date, inv.name, "erp"))
    return dict(out)


def _companies_in_books(ledger: Ledger, books: Books, as_of: date) -> set[str]:
    """Companies with at least one receivable line in the FEC (opening, sale or settlement)."""
    eve = books.fy_start - timedelta(days=1)
    keys: set[str] = set()
    for inv in ledger.invoices:
        if inv.state != "posted" or not inv.company.erp:
            continue
        if inv.invoice_date >= books.fy_start or inv.open_at(eve) > ZERO:
            keys.add(inv.company.key)
    keys |= {
        s.invoice.company.key
        for s in ledger.payments + ledger.credit_notes
        if s.invoice and s.on >= books.fy_start
    }
    return keys


def revenue(ledger: Ledger, as_of: date, erp: bool) -> dict[str, list[tuple[date, Decimal]]]:
    """Company key -> (issue date, revenue excl. tax) of each invoice (+) and credit note (-)."""
    fy_start = date(as_of.year, 1, 1)
    out: dict[str, list[tuple[date, Decimal]]] = defaultdict(list)
    for inv in ledger.invoices:
        if inv.state != "posted" or (not erp and inv.invoice_date < fy_start):
            continue
        out[inv.company.key].append((inv.invoice_date, inv.untaxed))
    for note in ledger.credit_notes:
        assert note.invoice is not None
        if not erp and note.on < fy_start:
            continue  # the books hold the fiscal year of as_of only
        out[note.invoice.company.key].append((note.on, -note.untaxed))
    return dict(out)


def _revenue_fields(lines: list[tuple[date, Decimal]], as_of: date) -> dict[str, str]:
    ytd = sum((a for d, a in lines if date(as_of.year, 1, 1) <= d <= as_of), ZERO)
    last = sum((a for d, a in lines if d.year == as_of.year - 1), ZERO)
    total = sum((a for _, a in lines), ZERO)
    return {
        "revenue_ytd_amount": f"{ytd:.2f}",
        "revenue_last_year_amount": f"{last:.2f}",
        "revenue_total_amount": f"{total:.2f}",
    }


def _records(
    c: Company, books: Books, fec_customers: set[str], shape: Shape
) -> list[dict[str, str]]:
    out = [{"source": "crm", "source_id": r.record_id} for r in (c.crm, c.crm_duplicate) if r]
    if c.erp:
        if shape.erp:
            out.append({"source": "erp", "source_id": c.erp.xml_id})
        account = books.accounts.get(c.key, (c.erp.ref, ""))[0]
        if account in fec_customers:
            out.append({"source": "compta", "source_id": account})
    return out


def build_truth(
    companies: list[Company],
    ledger: Ledger,
    fec_customers: set[str],
    seed: int,
    as_of: date,
    reporting_siren: str,
    books: Books | None = None,
    shape: Shape | None = None,
    relationship: dict[str, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    shape = shape or Shape()
    books = books or Books(fy_start=date(as_of.year, 1, 1))
    items = open_items(companies, ledger, books, as_of, shape)
    sales = revenue(ledger, as_of, shape.erp)
    loose = {
        s.invoice.company.key
        for s in ledger.payments + ledger.credit_notes
        if s.invoice and id(s) in books.unlettered
    }
    twice = {s.invoice.company.key for s in books.duplicates if s.invoice}
    rows = []
    for c in companies:
        money = settle(items.get(c.key, []), as_of)
        assert money.buckets is not None
        dirt = list(c.dirt)
        if c.key in books.uncoded:
            dirt.append("account_without_code")
        if c.key in loose:
            dirt.append("unlettered_cash")
        if c.key in twice:
            dirt.append("duplicate_payment")
        rows.append(
            {
                "company_key": c.key,
                "name": c.name,
                "siren": c.siren,
                "records": _records(c, books, fec_customers, shape),
                "customer_code": c.erp.ref if c.erp else None,
                "outstanding_amount": f"{money.outstanding:.2f}",
                "overdue_amount": f"{money.overdue:.2f}",
                "oldest_overdue_days": money.oldest_overdue_days,
                "segment": c.segment,
                "owner": c.owner,
                "payment_terms_days": c.payment_days,
                "dirt": dirt,
                "unallocated_cash_amount": f"{money.unallocated:.2f}",
                **{f"aging_{b}_amount": f"{money.buckets[b]:.2f}" for b in BUCKETS},
                **_revenue_fields(sales.get(c.key, []), as_of),
                **({"relationship": relationship[c.key]} if relationship else {}),
            }
        )
    return {
        "seed": seed,
        "as_of": as_of.isoformat(),
        "currency": CURRENCY,
        "reporting_siren": reporting_siren,
        "shape": shape.describe(),
        "default_terms_days": DEFAULT_TERMS_DAYS,
        "companies": rows,
        "users": [dict(u) for u in USERS],
    }


def write_truth(path: Path, truth: dict[str, Any]) -> Path:
    """One company per line: diffable, readable, and fast (json's C encoder needs no indent)."""

    def dump(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False)

    head = {k: v for k, v in truth.items() if k not in ("companies", "users")}
    parts = [f" {dump(k)}: {dump(v)}" for k, v in head.items()]
    for key in ("companies", "users"):
        rows = ",\n".join(f"  {dump(row)}" for row in truth[key])
        parts.append(f" {dump(key)}: [\n{rows}\n ]")
    path.write_text("{\n" + ",\n".join(parts) + "\n}\n", encoding="utf-8")
    return path
