"""The money side of the world: orders, invoices, credit notes and payments, in Decimal.

One model feeds Odoo's account_move.csv, the FEC and truth.json, so the three agree by
construction. Each payment and credit note settles exactly one invoice, which keeps FEC
lettering unambiguous. Credit notes are always fully applied (residual 0) and payments
never exceed what is owed, so no customer ends up in credit.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property

from demo_company.companies import Company
from demo_company.config import CENT, SEGMENTS, VAT_RATE, ZERO


def money(cents: int) -> Decimal:
    return Decimal(cents).scaleb(-2).quantize(CENT)


def with_vat(untaxed: Decimal) -> tuple[Decimal, Decimal]:
    """(tax, total) at 20 %, tax rounded half-up to the cent like Odoo's round_per_line."""
    tax = (untaxed * VAT_RATE).quantize(CENT, rounding=ROUND_HALF_UP)
    return tax, untaxed + tax


class _Vat:
    """Tax and total of an untaxed amount, for orders and invoices alike."""

    untaxed: Decimal

    @cached_property
    def tax(self) -> Decimal:
        return with_vat(self.untaxed)[0]

    @cached_property
    def total(self) -> Decimal:
        return with_vat(self.untaxed)[1]


@dataclass
class SaleOrder(_Vat):
    company: Company
    ordered: datetime
    untaxed: Decimal
    state: str  # draft / sent / sale / cancel (Odoo 17)
    invoice_status: str  # no / to invoice / invoiced
    client_ref: str
    name: str = ""
    xml_id: str = ""


@dataclass
class Settlement:
    """A payment or credit note applied to one invoice (amount incl. tax)."""

    kind: str  # payment / credit
    on: date
    amount: Decimal
    name: str = ""
    untaxed: Decimal = ZERO  # credit notes only
    tax: Decimal = ZERO
    xml_id: str = ""  # credit notes only (they are account.move rows)
    invoice: Invoice | None = None


@dataclass
class Invoice(_Vat):
    company: Company
    invoice_date: date
    untaxed: Decimal
    state: str  # posted / draft / cancel
    order: SaleOrder | None = None
    settlements: list[Settlement] = field(default_factory=list)
    name: str = "/"
    xml_id: str = ""

    @property
    def due_date(self) -> date:
        # Exactly invoice date + partner terms: the FEC side can only re-derive it that way.
        return self.invoice_date + timedelta(days=self.company.payment_days)

    def open_at(self, day: date) -> Decimal:
        return self.total - sum((s.amount for s in self.settlements if s.on <= day), ZERO)

    @property
    def residual(self) -> Decimal:
        return self.open_at(date.max) if self.state == "posted" else self.total

    def payment_state(self, as_of: date) -> str:
        if self.state != "posted" or not self.settlements:
            return "not_paid"
        if any(s.kind == "credit" and s.amount == self.total for s in self.settlements):
            return "reversed"
        if self.residual > ZERO:
            return "partial"
        last = max(self.settlements, key=lambda s: s.on)
        # Paid but the bank statement is not reconciled yet: Odoo says in_payment.
        if last.kind == "payment" and (as_of - last.on).days <= 3:
            return "in_payment"
        return "paid"


@dataclass
class Ledger:
    orders: list[SaleOrder]
    invoices: list[Invoice]  # every out_invoice, posted or not
    credit_notes: list[Settlement]
    payments: list[Settlement]


PAYER_DELAY = {"good": (-5, 10), "slow": (0, 60), "bad": (20, 150)}


def _amount(rng: random.Random, low: int, high: int) -> Decimal:
    # Small invoices are more frequent than big ones: half drawn from the lowest fifth.
    top = high if rng.random() < 0.5 else low + (high - low) // 5
    return money(rng.randint(low * 100, top * 100))


def _settle(inv: Invoice, rng: random.Random, as_of: date) -> None:
    """Decide credit notes and payments of a posted invoice, keeping those before as_of."""
    c = inv.company
    out: list[Settlement] = []
    remaining = inv.total
    fate = rng.random()
    if fate < 0.05:
        credit_day = inv.invoice_date + timedelta(days=rng.randint(2, 45))
        if credit_day <= as_of:
            if fate < 0.025:
                untaxed = inv.untaxed  # full reversal (wrong customer, cancelled delivery)
            else:
                untaxed = (inv.untaxed * rng.randint(10, 30) / 100).quantize(CENT)
            tax, total = with_vat(untaxed)
            out.append(Settlement("credit", credit_day, total, untaxed=untaxed, tax=tax))
            remaining -= total
    if remaining > ZERO and rng.random() >= 0.015:  # 1.5 % disputed: never paid
        low, high = PAYER_DELAY[c.payer]
        pay_day = inv.invoice_date + timedelta(days=max(0, c.payment_days + rng.randint(low, high)))
        if rng.random() < 0.07 and remaining > Decimal("10"):
            first = (remaining * rng.randint(20, 70) / 100).quantize(CENT)
            out.append(Settlement("payment", pay_day, first))
            remaining -= first
            pay_day += timedelta(days=rng.randint(15, 90))
        out.append(Settlement("payment", pay_day, remaining))
    for s in out:
        s.invoice = inv
    inv.settlements = [s for s in out if s.on <= as_of]


def _order_time(rng: random.Random, company: Company, day: date) -> datetime:
    moment = datetime.combine(day, time(rng.randint(7, 18), rng.randint(0, 59), rng.randint(0, 59)))
    return max(moment, company.since)


def _client_ref(rng: random.Random, day: date) -> str:
    return f"PO-{day.year}-{rng.randint(100, 9999)}" if rng.random() < 0.3 else ""


def build_ledger(
    companies: list[Company], rng: random.Random, history_start: date, as_of: date
) -> Ledger:
    invoices: list[Invoice] = []
    orders: list[SaleOrder] = []
    full_window = (as_of - history_start).days
    for c in companies:
        if not c.in_erp:
            continue
        _, (n_low, n_high), (a_low, a_high) = SEGMENTS[c.segment]
        start = max(history_start, c.since.date())
        window = (as_of - start).days
        count = max(1, round(rng.randint(n_low, n_high) * window / full_window))
        mine: list[Invoice] = []
        for _ in range(count):
            day = start + timedelta(days=rng.randint(0, window))
            state = "cancel" if rng.random() < 0.02 else "posted"
            inv = Invoice(c, day, _amount(rng, a_low, a_high), state)
            if state == "posted":
                _settle(inv, rng, as_of)
            mine.append(inv)
        if rng.random() < 0.03:
            day = as_of - timedelta(days=rng.randint(0, 6))
            mine.append(Invoice(c, day, _amount(rng, a_low, a_high), "draft"))
        for inv in mine:
            ordered = _order_time(rng, c, inv.invoice_date - timedelta(days=rng.randint(0, 20)))
            status = "invoiced" if inv.state == "posted" else "to invoice"
            inv.order = SaleOrder(
                c, ordered, inv.untaxed, "sale", status, _client_ref(rng, ordered.date())
            )
            orders.append(inv.order)
        invoices.extend(mine)
        orders.extend(_open_orders(c, rng, start, as_of, a_low, a_high))
    credit_notes = [s for inv in invoices for s in inv.settlements if s.kind == "credit"]
    payments = [s for inv in invoices for s in inv.settlements if s.kind == "payment"]
    _number(invoices, credit_notes, payments, orders, rng)
    return Ledger(orders, invoices, credit_notes, payments)


def _open_orders(
    c: Company, rng: random.Random, start: date, as_of: date, low: int, high: int
) -> list[SaleOrder]:
    """Orders that never became invoices: cancelled ones, quotations, orders to invoice."""

    def priced(day: date) -> tuple[datetime, Decimal]:
        # Drawn in this order (time, then amount) so that a seed gives the same company.
        return _order_time(rng, c, day), _amount(rng, low, high)

    out: list[SaleOrder] = []
    if rng.random() < 0.3:
        day = start + timedelta(days=rng.randint(0, (as_of - start).days))
        out.append(SaleOrder(c, *priced(day), "cancel", "no", _client_ref(rng, day)))
    if rng.random() < 0.25:
        day = as_of - timedelta(days=rng.randint(0, 60))
        out.append(SaleOrder(c, *priced(day), rng.choice(("draft", "sent")), "no", ""))
    if rng.random() < 0.15:
        day = as_of - timedelta(days=rng.randint(0, 20))
        out.append(SaleOrder(c, *priced(day), "sale", "to invoice", _client_ref(rng, day)))
    return out


def _number(
    invoices: list[Invoice],
    credit_notes: list[Settlement],
    payments: list[Settlement],
    orders: list[SaleOrder],
    rng: random.Random,
) -> None:
    """Odoo names follow posting order per year; ids follow creation order."""
    per_year: dict[tuple[str, int], int] = {}

    def next_name(prefix: str, day: date) -> str:
        n = per_year.get((prefix, day.year), 0) + 1
        per_year[(prefix, day.year)] = n
        return f"{prefix}/{day.year}/{n:05d}"

    invoices.sort(key=lambda i: (i.invoice_date, i.company.key, i.untaxed))
    for inv in invoices:
        if inv.state != "draft":  # drafts have no number yet in Odoo ("/")
            inv.name = next_name("INV", inv.invoice_date)
    credit_notes.sort(key=lambda s: (s.on, s.invoice.name if s.invoice else ""))
    for s in credit_notes:
        s.name = next_name("RINV", s.on)
    payments.sort(key=lambda s: (s.on, s.invoice.name if s.invoice else "", s.amount))
    for s in payments:
        s.name = next_name("BNK1", s.on)
    moves: list[tuple[date, int, Invoice | Settlement]] = [
        (i.invoice_date, 0, i) for i in invoices
    ] + [(s.on, 1, s) for s in credit_notes]
    db_id = 0
    for _, _, move in sorted(moves, key=lambda m: (m[0], m[1], m[2].name)):
        db_id += rng.randint(1, 3)  # payment moves take the ids in between
        move.xml_id = f"__export__.account_move_{db_id}_{rng.getrandbits(32):08x}"
    orders.sort(key=lambda o: (o.ordered, o.company.key, o.untaxed))
    for n, order in enumerate(orders, start=1):
        order.name = f"S{n:05d}"
        order.xml_id = f"__export__.sale_order_{n + 10}_{rng.getrandbits(32):08x}"
