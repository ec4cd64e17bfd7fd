"""The relationship side of the demo: HubSpot calls, meetings, tasks, tickets and quotes,
and Odoo customer payments (account.payment), with their dirt and their truth.

Also Odoo sale.order.line: lines summing to each order's untaxed amount (quotations have
lines too; only confirmed orders are purchases).

Written after the other exports, from the same world: activities and tickets hang on the
CRM records (and on their contacts, read back from contacts.csv), quotes on the deals
(deals.csv), payments are the ledger's. Randomness comes from a generator of its own
seeded from the demo's seed, so the files written before keep their bytes.

Dirt planted (docs/profiles.md):
- activities naming a deleted contact: with the company as well (kept on it), or alone
  (attached to no customer);
- tickets on prospects (CRM-only companies) as well as on customers;
- payments settling several invoices: one account.payment per customer and day, naming
  every invoice it settles (`reconciled_invoice_ids`, comma-joined display names);
- quotes that became orders (signed quotes of won deals: accepted) and quotes that
  expired (sent, past their expiration date), besides open, draft-free sent and refused.

Truth per company (`relationship` in truth.json): last and next activity dates, open
tickets (count, top priority), open quotes (count, amount excl. tax: the HubSpot ones
and Odoo quotations in draft / sent), and the invoices settled by payments over the 12
months to as_of with their days-to-pay, median and on-time rate.
"""

from __future__ import annotations

import csv
import random
import statistics
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from demo_company.companies import Company, CrmRecord
from demo_company.config import CENT, CURRENCY, ZERO
from demo_company.ledger import Ledger, Settlement
from demo_company.writers.hubspot import hs_datetime
from demo_company.writers.odoo import amount as odoo_amount

ASSOCIATED = ("Associated Contact IDs", "Associated Company IDs")
CALL_HEADER = (
    "Record ID",
    "Call Title",
    "Activity date",
    "Call outcome",
    "Call status",
    *ASSOCIATED,
    "Activity assigned to",
)
MEETING_HEADER = (
    "Record ID",
    "Meeting name",
    "Meeting start time",
    "Meeting outcome",
    *ASSOCIATED,
    "Activity assigned to",
)
TASK_HEADER = ("Record ID", "Task Title", "Due date", "Task Status", *ASSOCIATED, "Assigned to")
TICKET_HEADER = (
    "Record ID",
    "Ticket name",
    "Ticket status",
    "Priority",
    "Create date",
    "Close date",
    *ASSOCIATED,
    "Ticket owner",
)
QUOTE_HEADER = (
    "Record ID",
    "Quote name",
    "Quote number",
    "Quote status",
    "Signature status",
    "Quote amount",
    "Currency",
    "Expiration date",
    "Create date",
    "Associated Deal IDs",
    "Associated Company IDs",
    "Quote owner",
)
PAYMENT_HEADER = (
    "id",
    "name",
    "partner_id/id",
    "partner_id",
    "date",
    "amount",
    "currency_id",
    "payment_type",
    "partner_type",
    "state",
    "journal_id",
    "reconciled_invoice_ids",
)
LINE_HEADER = (
    "id",
    "order_id/id",
    "sequence",
    "product_id",
    "name",
    "product_uom_qty",
    "price_unit",
    "discount",
    "price_subtotal",
    "currency_id",
)
# The workshop's catalogue: internal reference and name, shown "[CODE] Name" by Odoo.
CATALOGUE = (
    ("MAINT-AN", "Maintenance annuelle"),
    ("PIECE-DET", "Pièces détachées"),
    ("OUT-MES", "Outillage sur mesure"),
    ("FORM-OP", "Formation opérateurs"),
    ("RETRO-M", "Rétrofit machine"),
)
CALL_TITLES = ("Point trimestriel", "Relance devis", "Suivi livraison", "Appel découverte")
MEETING_TITLES = ("Visite atelier", "Démo machine", "Revue annuelle", "Déjeuner client")
TASK_TITLES = ("Envoyer CGV", "Préparer devis", "Relancer paiement", "Planifier formation")
TICKET_TITLES = ("Panne ligne", "Question facture", "Pièce manquante", "Accès portail")
PRIORITIES = ("Low", "Medium", "High", "Urgent")
PRIORITY_RANK = {"low": 1, "medium": 2, "high": 3, "urgent": 4}
DELETED_CONTACT_RATE = 0.04


@dataclass
class _Facts:
    """What one company's relationship truly is, gathered while writing."""

    done: list[date] = field(default_factory=list)  # calls, tasks done; meetings held
    upcoming: list[date] = field(default_factory=list)  # open tasks, meetings to come
    open_priorities: list[str] = field(default_factory=list)
    open_quotes: list[Decimal] = field(default_factory=list)
    dirt: list[str] = field(default_factory=list)


def _write(path: Path, header: tuple[str, ...], rows: list[list[str]], crlf: bool) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, quoting=csv.QUOTE_ALL, lineterminator="\r\n" if crlf else "\n")
        writer.writerow(header)
        writer.writerows(rows)
    return len(rows)


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _moment(rng: random.Random, day: date) -> datetime:
    return datetime.combine(day, time(rng.randint(8, 17), rng.choice((0, 15, 30, 45))))


class _Ids:
    def __init__(self, rng: random.Random, start: int) -> None:
        self._rng, self._next = rng, start

    def __call__(self) -> str:
        self._next += self._rng.randint(1, 9_000)
        return str(self._next)


def _activities(
    companies: list[Company],
    contacts: dict[str, list[str]],
    deleted: _Ids,
    rng: random.Random,
    as_of: date,
    facts: dict[str, _Facts],
) -> tuple[list[list[str]], list[list[str]], list[list[str]]]:
    calls: list[list[str]] = []
    meetings: list[list[str]] = []
    tasks: list[list[str]] = []
    ids = _Ids(rng, 52_000_000_000)

    def engagement(titles: tuple[str, ...], day: date, status: str, r: CrmRecord) -> list[str]:
        # A meeting's or a task's row on the company (no contact), in the export's columns.
        return [
            ids(),
            rng.choice(titles),
            hs_datetime(_moment(rng, day)),
            status,
            "",
            r.record_id,
            r.owner,
        ]

    for c in companies:
        r = c.crm
        if r is None:
            continue
        f = facts[c.key]
        mine = contacts.get(r.record_id, [])
        for _ in range(rng.choices((0, 1, 2, 3, 4), (25, 30, 20, 15, 10))[0]):
            day = as_of - timedelta(days=rng.randint(1, 180))
            contact, company = "", r.record_id
            if mine and rng.random() < 0.25:
                contact, company = rng.choice(mine), ""  # the contact's company carries it
            elif rng.random() < DELETED_CONTACT_RATE:
                contact = deleted()
                if rng.random() < 0.5:
                    company = ""  # only the deleted contact is named: no customer
                else:
                    f.dirt.append("activity_on_deleted_contact")
            row_day = _moment(rng, day)
            if company or contact in mine:
                f.done.append(day)
            calls.append(
                [
                    ids(),
                    rng.choice(CALL_TITLES),
                    hs_datetime(row_day),
                    rng.choice(("Connected", "Left voicemail", "No answer")),
                    "Completed",
                    contact,
                    company,
                    r.owner,
                ]
            )
        for _ in range(rng.choices((0, 1, 2), (50, 35, 15))[0]):
            fate = rng.choices(("held", "planned", "cancelled"), (55, 30, 15))[0]
            if fate == "planned":
                day = as_of + timedelta(days=rng.randint(1, 45))
                f.upcoming.append(day)
                outcome = "Scheduled"
            else:
                day = as_of - timedelta(days=rng.randint(1, 150))
                outcome = "Completed" if fate == "held" else "Canceled"
                if fate == "held":
                    f.done.append(day)
            meetings.append(engagement(MEETING_TITLES, day, outcome, r))
        for _ in range(rng.choices((0, 1, 2), (55, 30, 15))[0]):
            due = as_of + timedelta(days=rng.randint(-60, 30))
            if due < as_of and rng.random() < 0.6:
                status = "Completed"
                f.done.append(due)
            else:
                status = "Not started"  # overdue ones stay the next thing to do
                f.upcoming.append(due)
            tasks.append(engagement(TASK_TITLES, due, status, r))
    return calls, meetings, tasks


def _tickets(
    companies: list[Company], rng: random.Random, as_of: date, facts: dict[str, _Facts]
) -> list[list[str]]:
    rows: list[list[str]] = []
    ids = _Ids(rng, 61_000_000_000)
    for c in companies:
        r = c.crm
        if r is None:
            continue
        # Prospects ask too (a trial machine, a question before buying).
        rate = 0.25 if c.in_erp else 0.15
        if rng.random() >= rate:
            continue
        for _ in range(rng.choices((1, 2, 3), (60, 30, 10))[0]):
            opened = as_of - timedelta(days=rng.randint(2, 200))
            priority = rng.choices(PRIORITIES, (35, 35, 20, 10))[0]
            state = rng.choices(("New", "Waiting on contact", "Closed"), (30, 15, 55))[0]
            closed = ""
            if state == "Closed":
                closed_day = min(opened + timedelta(days=rng.randint(1, 20)), as_of - timedelta(1))
                closed = hs_datetime(_moment(rng, closed_day))
            else:
                facts[c.key].open_priorities.append(priority.lower())
            if not c.in_erp:
                facts[c.key].dirt.append("ticket_on_prospect")
            rows.append(
                [
                    ids(),
                    rng.choice(TICKET_TITLES),
                    state,
                    priority,
                    hs_datetime(_moment(rng, opened)),
                    closed,
                    "",
                    r.record_id,
                    r.owner,
                ]
            )
    return rows


def _quotes(
    companies: list[Company],
    deals: list[dict[str, str]],
    rng: random.Random,
    as_of: date,
    facts: dict[str, _Facts],
) -> list[list[str]]:
    by_record = {c.crm.record_id: c for c in companies if c.crm is not None}
    rows: list[list[str]] = []
    ids = _Ids(rng, 71_000_000_000)
    number = 0
    for deal in deals:
        c = by_record.get(deal["Associated Company IDs (Primary)"])
        if c is None or not deal["Amount"] or rng.random() >= 0.5:
            continue
        created = datetime.strptime(deal["Create Date"], "%Y-%m-%d %H:%M")
        if created.date() >= as_of:
            continue
        number += 1
        signature, expires = "", created.date() + timedelta(days=rng.randint(15, 90))
        if deal["Is Closed Won"] == "true":
            status, signature = "Approval not needed", "Signed"  # became the order
            c_dirt = "quote_became_order"
        elif deal["Deal Stage"] == "Closed Lost":
            status, c_dirt = "Rejected", ""
        else:
            status = "Approval not needed"
            c_dirt = "quote_expired" if expires < as_of else ""
            if expires >= as_of:
                facts[c.key].open_quotes.append(Decimal(deal["Amount"]))
        if c_dirt:
            facts[c.key].dirt.append(c_dirt)
        rows.append(
            [
                ids(),
                f"Devis {deal['Deal Name']}",
                f"Q-{created.year}-{number:05d}",
                status,
                signature,
                deal["Amount"],
                CURRENCY,
                expires.isoformat(),
                hs_datetime(created),
                deal["Record ID"],
                deal["Associated Company IDs (Primary)"],
                deal["Deal owner"],
            ]
        )
    return rows


def _payments(ledger: Ledger, rng: random.Random) -> list[list[str]]:
    """One account.payment per customer and day: a transfer settling every invoice it
    names (a customer paying several invoices at once)."""
    groups: dict[tuple[str, date], list[Settlement]] = {}
    for pay in ledger.payments:
        assert pay.invoice is not None
        groups.setdefault((pay.invoice.company.key, pay.on), []).append(pay)
    rows: list[list[str]] = []
    db_id = 0
    for (_, day), pays in sorted(groups.items(), key=lambda g: (g[0][1], g[1][0].name)):
        first = pays[0]
        assert first.invoice is not None and first.invoice.company.erp is not None
        partner = first.invoice.company.erp
        names = sorted({p.invoice.name for p in pays if p.invoice is not None})
        db_id += rng.randint(1, 3)
        rows.append(
            [
                f"__export__.account_payment_{db_id}_{rng.getrandbits(32):08x}",
                first.name,
                partner.xml_id,
                partner.name,
                day.isoformat(),
                odoo_amount(sum((p.amount for p in pays), ZERO)),
                CURRENCY,
                "inbound",
                "customer",
                "posted",
                "Bank",
                ",".join(names),
            ]
        )
    return rows


def _order_lines(
    ledger: Ledger, rng: random.Random, as_of: date
) -> tuple[list[list[str]], dict[str, dict[str, list[Any]]]]:
    """sale.order.line rows summing to each order's untaxed amount, and per company what
    its confirmed orders bought: product code → [12 months' amount, all, last date]."""
    since = _year_before(as_of)
    rows: list[list[str]] = []
    bought: dict[str, dict[str, list[Any]]] = {}
    line_id = 0
    for order in ledger.orders:
        left = order.untaxed
        picks = rng.sample(CATALOGUE, rng.choice((1, 1, 2, 3)))
        for n, (code, name) in enumerate(picks):
            if n < len(picks) - 1:
                qty = rng.randint(1, 5)
                price = (left * rng.randint(10, 40) / 100 / qty).quantize(CENT)
                discount = rng.choice((0, 0, 5, 10))
                subtotal = (qty * price * (100 - discount) / 100).quantize(CENT, ROUND_HALF_UP)
                if price <= ZERO or subtotal >= left:
                    continue
            else:  # the last line takes what is left, to the cent
                qty, price, discount, subtotal = 1, left, 0, left
            left -= subtotal
            line_id += rng.randint(1, 3)
            rows.append(
                [
                    f"__export__.sale_order_line_{line_id}_{rng.getrandbits(32):08x}",
                    order.xml_id,
                    str(10 * (n + 1)),
                    f"[{code}] {name}",
                    f"[{code}] {name}",
                    f"{qty}.00",
                    odoo_amount(price),
                    f"{discount}.00",
                    odoo_amount(subtotal),
                    CURRENCY,
                ]
            )
            day = order.ordered.date()
            if order.state == "sale" and day <= as_of:
                entry = bought.setdefault(order.company.key, {}).setdefault(code, [ZERO, ZERO, day])
                entry[0] += subtotal if day > since else ZERO
                entry[1] += subtotal
                entry[2] = max(entry[2], day)
    return rows, bought


def _year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def _payment_truth(ledger: Ledger, as_of: date) -> dict[str, dict[str, Any]]:
    """Invoices settled by payments over the 12 months to as_of, per company: an invoice
    nothing is left open on, dated by its latest payment (core.invoice_payment's rule)."""
    since = _year_before(as_of)
    out: dict[str, dict[str, Any]] = {}
    for inv in ledger.invoices:
        if inv.state != "posted" or inv.residual != ZERO:
            continue
        pays = [s.on for s in inv.settlements if s.kind == "payment"]
        entry = out.setdefault(inv.company.key, {"paid": [], "credit_settled_12m": False})
        if not pays:
            # Settled by credit notes alone: the books' lettering dates it, not a payment.
            last = max((s.on for s in inv.settlements), default=None)
            if last is not None and since < last <= as_of:
                entry["credit_settled_12m"] = True
            continue
        paid = max(pays)
        if since < paid <= as_of:
            entry["paid"].append(
                [inv.name, paid.isoformat(), (paid - inv.invoice_date).days, paid <= inv.due_date]
            )
    return out


def write_relationship(
    companies: list[Company],
    ledger: Ledger,
    inbox: Path,
    seed: int,
    as_of: date,
    erp: bool,
) -> tuple[dict[str, int], dict[str, dict[str, Any]]]:
    """Write the relationship exports under `inbox` ("hubspot/…", "odoo/…" when `erp`);
    return data rows per file (keys relative to `inbox`) and the truth per company key."""
    rng = random.Random(f"c360-demo-relationship-{seed}")
    hubspot = inbox / "hubspot"
    contacts: dict[str, list[str]] = {}
    known: set[int] = set()
    for row in _read(hubspot / "contacts.csv"):
        contacts.setdefault(row["Primary Associated Company ID"], []).append(row["Record ID"])
        known.add(int(row["Record ID"]))
    # Contacts deleted since: ids past every live one, so never a live contact's.
    deleted = _Ids(rng, max(known, default=0) + 1_000_000)
    facts = {c.key: _Facts() for c in companies}
    calls, meetings, tasks = _activities(companies, contacts, deleted, rng, as_of, facts)
    counts = {
        "hubspot/calls.csv": _write(hubspot / "calls.csv", CALL_HEADER, calls, False),
        "hubspot/meetings.csv": _write(hubspot / "meetings.csv", MEETING_HEADER, meetings, False),
        "hubspot/tasks.csv": _write(hubspot / "tasks.csv", TASK_HEADER, tasks, False),
        "hubspot/tickets.csv": _write(
            hubspot / "tickets.csv", TICKET_HEADER, _tickets(companies, rng, as_of, facts), False
        ),
        "hubspot/quotes.csv": _write(
            hubspot / "quotes.csv",
            QUOTE_HEADER,
            _quotes(companies, _read(hubspot / "deals.csv"), rng, as_of, facts),
            False,
        ),
    }
    paid: dict[str, dict[str, Any]] = {}
    bought: dict[str, dict[str, list[Any]]] = {}
    if erp:
        rows = _payments(ledger, rng)
        counts["odoo/account_payment.csv"] = _write(
            inbox / "odoo" / "account_payment.csv", PAYMENT_HEADER, rows, True
        )
        paid = _payment_truth(ledger, as_of)
        lines, bought = _order_lines(ledger, rng, as_of)
        counts["odoo/sale_order_line.csv"] = _write(
            inbox / "odoo" / "sale_order_line.csv", LINE_HEADER, lines, True
        )
        for order in ledger.orders:
            if order.state in ("draft", "sent") and order.ordered.date() <= as_of:
                facts[order.company.key].open_quotes.append(order.untaxed)
    truth = {c.key: _truth(facts[c.key], paid.get(c.key), bought.get(c.key, {})) for c in companies}
    return counts, truth


def _truth(f: _Facts, paid: dict[str, Any] | None, bought: dict[str, list[Any]]) -> dict[str, Any]:
    rows = paid["paid"] if paid else []
    days = [r[2] for r in rows]
    top = max(f.open_priorities, key=lambda p: PRIORITY_RANK[p], default=None)
    return {
        "last_activity_date": max(f.done).isoformat() if f.done else None,
        "next_activity_date": min(f.upcoming).isoformat() if f.upcoming else None,
        "open_ticket_count": len(f.open_priorities),
        "open_ticket_top_priority": top,
        "open_quote_count": len(f.open_quotes),
        "open_quotes_amount": f"{sum(f.open_quotes, ZERO):.2f}",
        "paid_invoices_12m": rows,
        "median_days_to_pay_12m": f"{statistics.median(days):.1f}" if days else None,
        "on_time_rate_12m": f"{sum(1 for r in rows if r[3]) / len(rows):.4f}" if rows else None,
        "credit_settled_12m": bool(paid and paid["credit_settled_12m"]),
        # What its confirmed orders bought: code → [12 months' amount, all, last date].
        "products": {
            code: [f"{m12:.2f}", f"{total:.2f}", last.isoformat()]
            for code, (m12, total, last) in sorted(bought.items())
        },
        "dirt": sorted(set(f.dirt)),
    }
