"""The accounting side: a French FEC for the fiscal year of `as_of`, up to `as_of`.

Format (FORMATS.md §8): `<SIREN>FEC<YYYY>1231.txt`, TAB separated, CRLF, ISO-8859-15,
the 18 mandatory columns, decimal comma, dates YYYYMMDD. Opening entries (journal AN)
come first and carry each invoice still open on 1 January as its own 411 line, dated by
the original invoice date, so due dates and aging can be re-derived from the FEC alone.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from ingest.demo.companies import Company
from ingest.demo.config import ZERO
from ingest.demo.ledger import Invoice, Ledger, Settlement

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


def _letterings(ledger: Ledger, fy_start: date) -> dict[int, Lettering]:
    """Lettering per invoice (keyed by id()) when it has settlements inside the year.

    The group is the invoice's 411 line (opening or sales) plus its payments and credit
    notes of the year: it balances when the invoice is settled, and keeps the residual
    otherwise (partial payment).
    """
    groups: dict[str, list[tuple[date, str, int]]] = defaultdict(list)
    for inv in ledger.invoices:
        if inv.state != "posted":
            continue
        in_year = [s.on for s in inv.settlements if s.on >= fy_start]
        if in_year and inv.company.erp:
            groups[inv.company.erp.ref].append((max(in_year), inv.name, id(inv)))
    out: dict[int, Lettering] = {}
    for items in groups.values():
        for n, (date_let, _, key) in enumerate(sorted(items)):
            out[key] = Lettering(letter_code(n), date_let)
    return out


class _Writer:
    """Accumulates FEC lines and numbers entries per journal."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.counters: dict[str, int] = defaultdict(int)
        self.customers: set[str] = set()

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
    w.line("VE", num, day, SALES, None, inv.name, day, label, ZERO, inv.untaxed)
    w.line("VE", num, day, VAT, None, inv.name, day, label, ZERO, inv.tax)


def _refund(w: _Writer, note: Settlement, letter: Lettering | None) -> None:
    inv = note.invoice
    assert inv is not None
    num = w.entry("VE")
    label = f"Avoir {note.name} sur {inv.name}"
    w.line(
        "VE",
        num,
        note.on,
        RECEIVABLE,
        inv.company,
        note.name,
        note.on,
        label,
        ZERO,
        note.amount,
        letter,
    )
    w.line("VE", num, note.on, SALES, None, note.name, note.on, label, note.untaxed, ZERO)
    w.line("VE", num, note.on, VAT, None, note.name, note.on, label, note.tax, ZERO)


def _payment(w: _Writer, pay: Settlement, letter: Lettering | None) -> None:
    inv = pay.invoice
    assert inv is not None
    num = w.entry("BQ")
    label = f"Règlement {inv.name}"
    w.line(
        "BQ",
        num,
        pay.on,
        RECEIVABLE,
        inv.company,
        pay.name,
        pay.on,
        label,
        ZERO,
        pay.amount,
        letter,
    )
    w.line("BQ", num, pay.on, BANK, None, pay.name, pay.on, label, pay.amount, ZERO)


def write_fec(ledger: Ledger, folder: Path, siren: str, as_of: date) -> tuple[Path, int, set[str]]:
    """Write the FEC; returns its path, its number of lines and the CompAuxNum it holds."""
    fy_start = date(as_of.year, 1, 1)
    letters = _letterings(ledger, fy_start)
    w = _Writer()
    _opening(w, ledger, fy_start, letters)
    events: list[tuple[date, int, str, Invoice | Settlement]] = []
    for inv in ledger.invoices:
        if inv.state == "posted" and fy_start <= inv.invoice_date <= as_of:
            events.append((inv.invoice_date, 0, inv.name, inv))
    events += [(n.on, 1, n.name, n) for n in ledger.credit_notes if n.on >= fy_start]
    events += [(p.on, 2, p.name, p) for p in ledger.payments if p.on >= fy_start]
    for _, kind, _, doc in sorted(events, key=lambda e: e[:3]):
        if isinstance(doc, Invoice):
            _sale(w, doc, letters.get(id(doc)))
        elif kind == 1:
            _refund(w, doc, letters.get(id(doc.invoice)))
        else:
            _payment(w, doc, letters.get(id(doc.invoice)))
    path = folder / fec_file_name(siren, as_of)
    folder.mkdir(parents=True, exist_ok=True)
    text = "\r\n".join(["\t".join(FEC_HEADER), *w.lines]) + "\r\n"
    path.write_bytes(text.encode(ENCODING))
    return path, len(w.lines), w.customers
