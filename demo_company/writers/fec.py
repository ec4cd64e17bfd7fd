"""The accounting side: a French FEC for the fiscal year of `as_of`, up to `as_of`.

Format (FORMATS.md §8): `<SIREN>FEC<YYYY>1231.txt`, TAB separated, CRLF, ISO-8859-15,
the 18 mandatory columns, decimal comma, dates YYYYMMDD. Opening entries (journal AN)
come first and carry each invoice still open on 1 January as its own 411 line, dated by
the original invoice date, so due dates and aging can be re-derived from the FEC alone.

How the books are kept (shape.py) is decided once in `plan_books`: per-customer general
accounts or 411000 + auxiliary accounts, which payments and credit notes stay unlettered,
and whether a sale spreads over several revenue accounts. `ledger_open_items` then says,
from the same plan and the same world, which open items the FEC holds for each customer.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from demo_company import dirt
from demo_company.companies import Company
from demo_company.config import CENT, ZERO
from demo_company.ledger import Invoice, Ledger, Settlement
from demo_company.shape import Shape, shape_rng

FEC_HEADER = (
    "JournalCode",
    "JournalLib",
    "EcritureNum",
    "EcritureDate",
    "CompteNum",
    "CompteLib",
    "CompAuxNum",
    "CompAuxLib",
    "PieceRef",
    "PieceDate",
    "EcritureLib",
    "Debit",
    "Credit",
    "EcritureLet",
    "DateLet",
    "ValidDate",
    "Montantdevise",
    "Idevise",
)
ENCODING = "iso8859_15"
RECEIVABLE = ("41100000", "Clients")
SALES = ("70600000", "Prestations de services")
# Books of the other shapes spread sales over several 7xx accounts, as real ones do.
GOODS = ("70100000", "Ventes de produits finis")
DISCOUNTS = ("70900000", "Rabais, remises et ristournes accordés")
SPLIT_SALE_RATE = 1 / 3
# With unlettered cash, a few of the year's payments were sent twice by the customer; the
# books hold the second one, unlettered: the customer may end in credit.
DUPLICATE_PAYMENT_RATE = 0.01
VAT = ("44571000", "TVA collectée")
BANK = ("51200000", "Banque")
OPENING = ("89000000", "Bilan d'ouverture")
JOURNALS = {"AN": "A nouveaux", "VE": "Ventes", "BQ": "Banque"}


def fec_file_name(siren: str, as_of: date) -> str:
    return f"{siren}FEC{as_of.year}1231.txt"


def fec_amount(value: Decimal) -> str:
    return f"{value:.2f}".replace(".", ",")


@lru_cache(maxsize=4096)
def fec_date(day: date | None) -> str:
    # Cached: a year has few distinct dates and strftime is the hot spot of big files.
    return day.strftime("%Y%m%d") if day else ""


def letter_code(n: int) -> str:
    """0 -> AA, 1 -> AB, …, 675 -> ZZ, 676 -> AAA: short codes as accounting packages use."""
    width = 2
    while n >= 26**width:
        n -= 26**width
        width += 1
    chars = []
    for _ in range(width):
        chars.append(chr(65 + n % 26))
        n //= 26
    return "".join(reversed(chars))


@dataclass
class Lettering:
    code: str
    date_let: date


@dataclass
class Books:
    """How the books record the world (shape.py): accounts, lettering, revenue lines."""

    fy_start: date
    # Per-account books only: company key -> (CompteNum, CompteLib) of its own 411 account.
    accounts: dict[str, tuple[str, str]] = field(default_factory=dict)
    # Company keys whose account does not embed the customer code (per-account books).
    uncoded: set[str] = field(default_factory=set)
    # id() of the year's payments and credit notes left unlettered.
    unlettered: set[int] = field(default_factory=set)
    # Payments a customer sent twice: in the books only, never lettered.
    duplicates: list[Settlement] = field(default_factory=list)
    # Draws which sales spread over two revenue accounts; None keeps one 706 line per sale.
    split_rng: random.Random | None = None

    def lettered(self, inv: Invoice) -> list[Settlement]:
        """The invoice's settlements of the year that the books letter with it."""
        return [
            s for s in inv.settlements if s.on >= self.fy_start and id(s) not in self.unlettered
        ]

    def loose(self, inv: Invoice) -> list[Settlement]:
        """The invoice's settlements of the year left unlettered (unallocated cash)."""
        return [s for s in inv.settlements if s.on >= self.fy_start and id(s) in self.unlettered]


def plan_books(ledger: Ledger, shape: Shape, seed: int, as_of: date) -> Books:
    """Decide, once, how the books of this shape record the ledger."""
    books = Books(fy_start=date(as_of.year, 1, 1))
    if shape.is_default:
        return books
    books.split_rng = shape_rng(seed, "sales")
    if shape.per_account:
        customers = sorted(
            {inv.company.key: inv.company for inv in ledger.invoices if inv.company.erp}.values(),
            key=lambda c: c.erp.ref if c.erp else "",
        )
        coded = dirt.pick(
            shape_rng(seed, "accounts"),
            list(range(len(customers))),
            shape.coded_accounts,
            minimum=0,
        )
        sequence = 0
        for n, c in enumerate(customers):
            assert c.erp is not None
            if n in coded:
                number = f"411{c.erp.ref}"
            else:
                sequence += 1
                number = f"4119{sequence:04d}"  # numbered by the books, no code in it
                books.uncoded.add(c.key)
            books.accounts[c.key] = (number, c.erp.name)
    if shape.unlettered > 0:
        year = [s for s in ledger.payments + ledger.credit_notes if s.on >= books.fy_start]
        year.sort(key=lambda s: (s.on, s.name))
        picked = dirt.pick(
            shape_rng(seed, "unlettered"), list(range(len(year))), shape.unlettered, minimum=0
        )
        books.unlettered = {id(year[i]) for i in picked}
        books.duplicates = _duplicates(ledger, books.fy_start, as_of, shape_rng(seed, "twice"))
        books.unlettered |= {id(d) for d in books.duplicates}
    return books


def _duplicates(
    ledger: Ledger, fy_start: date, as_of: date, rng: random.Random
) -> list[Settlement]:
    """Second transfers of some of the year's payments, a few days after the first."""
    year = sorted(
        (p for p in ledger.payments if fy_start <= p.on <= as_of - timedelta(days=10)),
        key=lambda p: (p.on, p.name),
    )
    out = []
    for i in sorted(dirt.pick(rng, list(range(len(year))), DUPLICATE_PAYMENT_RATE, minimum=0)):
        first = year[i]
        on = first.on + timedelta(days=rng.randint(1, 10))
        out.append(
            Settlement("payment", on, first.amount, f"{first.name}-B", invoice=first.invoice)
        )
    return out


def _letterings(ledger: Ledger, books: Books) -> dict[int, Lettering]:
    """Lettering per invoice (keyed by id()) when it has lettered settlements in the year.

    The group is the invoice's 411 line (opening or sales) plus its lettered payments and
    credit notes of the year: it balances when the invoice is settled, and keeps the
    residual otherwise (partial payment, or a settlement left unlettered).
    """
    groups: dict[str, list[tuple[date, str, int]]] = defaultdict(list)
    for inv in ledger.invoices:
        if inv.state != "posted":
            continue
        in_year = [s.on for s in books.lettered(inv)]
        if in_year and inv.company.erp:
            groups[inv.company.erp.ref].append((max(in_year), inv.name, id(inv)))
    out: dict[int, Lettering] = {}
    for items in groups.values():
        for n, (date_let, _, key) in enumerate(sorted(items)):
            out[key] = Lettering(letter_code(n), date_let)
    return out


@dataclass(frozen=True)
class LedgerItem:
    """One open item the FEC holds for a customer, as c360 must read it."""

    amount: Decimal  # + owed by the customer, - credit (unlettered payment, credit note)
    document_date: date
    document_ref: str


def ledger_open_items(ledger: Ledger, books: Books, as_of: date) -> dict[str, list[LedgerItem]]:
    """Company key -> the open items of its 411 lines: unlettered lines one by one, plus
    one residual per lettering group that does not balance, dated by its invoice."""
    eve = books.fy_start - timedelta(days=1)
    out: dict[str, list[LedgerItem]] = defaultdict(list)
    for inv in ledger.invoices:
        if inv.state != "posted" or not inv.company.erp or inv.invoice_date > as_of:
            continue
        line = inv.open_at(eve) if inv.invoice_date < books.fy_start else inv.total
        loose = books.loose(inv)
        if line <= ZERO:
            assert not loose, "a settled invoice has no settlement in the year"
            continue
        items = out[inv.company.key]
        lettered = books.lettered(inv)
        open_amount = line - sum((s.amount for s in lettered), ZERO)
        if open_amount != ZERO:
            items.append(LedgerItem(open_amount, inv.invoice_date, inv.name))
        items.extend(LedgerItem(-s.amount, s.on, s.name) for s in loose)
    for s in books.duplicates:
        assert s.invoice is not None
        out[s.invoice.company.key].append(LedgerItem(-s.amount, s.on, s.name))
    return dict(out)


class _Writer:
    """Accumulates FEC lines and numbers entries per journal."""

    def __init__(self, books: Books) -> None:
        self.lines: list[str] = []
        self.counters: dict[str, int] = defaultdict(int)
        self.customers: set[str] = set()
        self.books = books

    def entry(self, journal: str) -> str:
        self.counters[journal] += 1
        return f"{journal}{self.counters[journal]:06d}"

    def line(
        self,
        journal: str,
        num: str,
        day: date,
        account: tuple[str, str],
        company: Company | None,
        piece: str,
        piece_day: date,
        label: str,
        debit: Decimal,
        credit: Decimal,
        letter: Lettering | None = None,
    ) -> None:
        aux_num = aux_lib = ""
        if company is not None and company.erp is not None:
            own = self.books.accounts.get(company.key)
            if own is not None:
                account = own  # per-customer general account, no auxiliary account
                self.customers.add(own[0])
            else:
                aux_num, aux_lib = company.erp.ref, company.erp.name
                self.customers.add(aux_num)
        fields = (
            journal,
            JOURNALS[journal],
            num,
            fec_date(day),
            account[0],
            account[1],
            aux_num,
            aux_lib,
            piece,
            fec_date(piece_day),
            label,
            fec_amount(debit),
            fec_amount(credit),
            letter.code if letter else "",
            fec_date(letter.date_let if letter else None),
            fec_date(day),
            "",
            "",
        )
        self.lines.append("\t".join(fields))


def _opening(w: _Writer, ledger: Ledger, fy_start: date, letters: dict[int, Lettering]) -> None:
    eve = fy_start - timedelta(days=1)
    by_customer: dict[str, list[tuple[Invoice, Decimal]]] = defaultdict(list)
    for inv in ledger.invoices:
        if inv.state == "posted" and inv.invoice_date < fy_start and inv.company.erp:
            still_open = inv.open_at(eve)
            if still_open > ZERO:
                by_customer[inv.company.erp.ref].append((inv, still_open))
    for ref in sorted(by_customer):
        items = sorted(by_customer[ref], key=lambda item: item[0].name)
        num = w.entry("AN")
        for inv, still_open in items:
            w.line(
                "AN",
                num,
                fy_start,
                RECEIVABLE,
                inv.company,
                inv.name,
                inv.invoice_date,
                f"A nouveau {inv.name}",
                still_open,
                ZERO,
                letters.get(id(inv)),
            )
        total = sum((amount for _, amount in items), ZERO)
        w.line(
            "AN",
            num,
            fy_start,
            OPENING,
            None,
            f"AN{fy_start.year}",
            fy_start,
            f"A nouveau clients {ref}",
            ZERO,
            total,
        )


def _sale(w: _Writer, inv: Invoice, letter: Lettering | None) -> None:
    num = w.entry("VE")
    day, c = inv.invoice_date, inv.company
    label = f"Facture {inv.name}"
    w.line("VE", num, day, RECEIVABLE, c, inv.name, day, label, inv.total, ZERO, letter)
    split = w.books.split_rng
    if split is not None and split.random() < SPLIT_SALE_RATE and inv.untaxed >= Decimal("1"):
        goods = (inv.untaxed * split.randint(20, 80) / 100).quantize(CENT)
        w.line("VE", num, day, GOODS, None, inv.name, day, label, ZERO, goods)
        w.line("VE", num, day, SALES, None, inv.name, day, label, ZERO, inv.untaxed - goods)
    else:
        w.line("VE", num, day, SALES, None, inv.name, day, label, ZERO, inv.untaxed)
    w.line("VE", num, day, VAT, None, inv.name, day, label, ZERO, inv.tax)


def _settle(w: _Writer, journal: str, s: Settlement, label: str, letter: Lettering | None) -> str:
    """The entry's customer line: the settlement credits the invoice's customer."""
    inv = s.invoice
    assert inv is not None
    num = w.entry(journal)
    w.line(journal, num, s.on, RECEIVABLE, inv.company, s.name, s.on, label, ZERO, s.amount, letter)
    return num


def _refund(w: _Writer, note: Settlement, letter: Lettering | None) -> None:
    assert note.invoice is not None
    label = f"Avoir {note.name} sur {note.invoice.name}"
    num = _settle(w, "VE", note, label, letter)
    revenue = SALES if w.books.split_rng is None else DISCOUNTS
    w.line("VE", num, note.on, revenue, None, note.name, note.on, label, note.untaxed, ZERO)
    w.line("VE", num, note.on, VAT, None, note.name, note.on, label, note.tax, ZERO)


def _payment(w: _Writer, pay: Settlement, letter: Lettering | None) -> None:
    assert pay.invoice is not None
    label = f"Règlement {pay.invoice.name}"
    num = _settle(w, "BQ", pay, label, letter)
    w.line("BQ", num, pay.on, BANK, None, pay.name, pay.on, label, pay.amount, ZERO)


def write_fec(
    ledger: Ledger, folder: Path, siren: str, as_of: date, books: Books | None = None
) -> tuple[Path, int, set[str]]:
    """Write the FEC; returns its path, its number of lines and its customer accounts
    (CompAuxNum, or the per-customer CompteNum)."""
    fy_start = date(as_of.year, 1, 1)
    books = books or Books(fy_start=fy_start)
    letters = _letterings(ledger, books)
    w = _Writer(books)
    _opening(w, ledger, fy_start, letters)
    events: list[tuple[date, int, str, Invoice | Settlement]] = []
    for inv in ledger.invoices:
        if inv.state == "posted" and fy_start <= inv.invoice_date <= as_of:
            events.append((inv.invoice_date, 0, inv.name, inv))
    events += [(n.on, 1, n.name, n) for n in ledger.credit_notes if n.on >= fy_start]
    events += [(p.on, 2, p.name, p) for p in ledger.payments if p.on >= fy_start]
    events += [(p.on, 2, p.name, p) for p in books.duplicates]
    for _, kind, _, doc in sorted(events, key=lambda e: e[:3]):
        if isinstance(doc, Invoice):
            _sale(w, doc, letters.get(id(doc)))
            continue
        letter = None if id(doc) in books.unlettered else letters.get(id(doc.invoice))
        if kind == 1:
            _refund(w, doc, letter)
        else:
            _payment(w, doc, letter)
    path = folder / fec_file_name(siren, as_of)
    folder.mkdir(parents=True, exist_ok=True)
    text = "\r\n".join(["\t".join(FEC_HEADER), *w.lines]) + "\r\n"
    path.write_bytes(text.encode(ENCODING))
    return path, len(w.lines), w.customers
