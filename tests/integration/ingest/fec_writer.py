"""Hand-written FEC files (art. A47 A-1) in the shapes real exports take, with their truth.

Not the demo generator: every line is written here, field by field, so a test can vary one
thing at a time (line endings, separator, charset, decimal mark, Montant/Sens) and knows
the receivable money each customer owes, to the cent, independently of c360.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from fec_columns import FEC_COLUMNS

HEADER = FEC_COLUMNS

# Names a French ledger holds: accents, ligatures, quotes, apostrophes, the euro sign.
CUSTOMERS = [
    ("C001", "SOCIÉTÉ GÉNÉRALE DES EAUX"),
    ("C002", "Bœuf & Cœur SARL"),
    ("C003", 'LE "PETIT" BISTROT'),
    ("C004", "Café de l'Été"),
    ("C005", "ŒUVRES D'ART À 5 €"),
] + [(f"C{n:03d}", f"CLIENT {n:03d} SAS") for n in range(6, 41)]


@dataclass
class Fec:
    """The records of a FEC (header first) and what its receivable lines add up to."""

    header: list[str]
    records: list[list[str]] = field(default_factory=list)
    balances: dict[str, Decimal] = field(default_factory=dict)
    receivable_lines: int = 0
    bad_records: list[int] = field(default_factory=list)  # indexes in `records`

    @property
    def total(self) -> Decimal:
        return sum(self.balances.values(), Decimal("0.00"))

    @property
    def data_lines(self) -> int:
        return len(self.records)

    def line_of(self, record: int) -> int:
        """Physical line of a record (the header is line 1)."""
        return record + 2


def _amount(value: Decimal, mark: str) -> str:
    return f"{value:.2f}".replace(".", mark)


def build(
    entries: int,
    *,
    mark: str = ",",
    montant_sens: bool = False,
    bad_every: int = 0,
) -> Fec:
    """Sales entries (411 debit, 706 and 44571 credits), half of them paid by a bank entry
    (512 debit, 411 credit, both lettered). `bad_every` spoils the 411 amount of every
    n-th invoice (`12x`): a reject, left out of the truth."""
    header = list(HEADER)
    if montant_sens:
        header[11:13] = ["Montant", "Sens"]
    fec = Fec(header)
    num = 0

    def line(
        journal: str,
        day: str,
        account: str,
        label: str,
        aux: tuple[str, str] | None,
        piece: str,
        text: str,
        debit: Decimal,
        credit: Decimal,
        letter: str = "",
        *,
        bad: bool = False,
    ) -> None:
        code, name = aux or ("", "")
        if montant_sens:
            money = [_amount(debit or credit, mark), "D" if debit else "C"]
        else:
            money = [_amount(debit, mark), _amount(credit, mark)]
        if bad:
            money[0] = "12x"
        fec.records.append(
            [journal, {"VE": "Ventes", "BQ": "Banque"}[journal], str(num), day, account, label,
             code, name, piece, day, text, *money, letter, day if letter else "", day, "", ""]
        )  # fmt: skip
        if account.startswith("411"):
            fec.receivable_lines += 1
            if bad:
                fec.bad_records.append(len(fec.records) - 1)
            else:
                fec.balances[code] = fec.balances.get(code, Decimal("0.00")) + debit - credit

    for i in range(entries):
        code, name = CUSTOMERS[i % len(CUSTOMERS)]
        ttc = Decimal(100 + (i * 37) % 9000) + Decimal(i % 100) / 100
        ht = (ttc / Decimal("1.2")).quantize(Decimal("0.01"))
        day = f"2026{1 + i % 12:02d}{1 + i % 28:02d}"
        piece = f"F{i:05d}"
        # A `"` is just a character in a FEC, even first in a field.
        text = f'"Facture" {piece} {name}' if i % 3 == 0 else f"Facture {piece} {name}"
        paid = i % 2 == 0
        letter = f"A{i:04d}" if paid else ""
        bad = bool(bad_every) and i % bad_every == bad_every - 1 and not paid
        num += 1
        zero = Decimal("0.00")
        line("VE", day, "41100000", "Clients", (code, name), piece, text, ttc, zero, letter,
             bad=bad)  # fmt: skip
        line("VE", day, "70600000", "Ventes de marchandises", None, piece, text, zero, ht)
        line("VE", day, "44571000", "TVA collectée", None, piece, text, zero, ttc - ht)
        if paid:
            num += 1
            pay = f"VIR{i:05d}"
            line("BQ", day, "51200000", "Banque", None, pay, f"Règlement {name}", ttc, zero)
            line("BQ", day, "41100000", "Clients", (code, name), pay, f"Règlement {name}",
                 zero, ttc, letter)  # fmt: skip
    return fec


def write(
    path: Path,
    fec: Fec,
    *,
    eol: str | list[str] = "\r\n",
    sep: str = "\t",
    encoding: str = "utf-8",
    bom: bool = False,
    final: str | None = None,
    trailing: str = "",
    blank_every: int = 0,
) -> Path:
    """The file: `eol` ends each line (a list cycles: mixed endings), `final` replaces the
    last line's ending, `trailing` is appended (blank lines), `blank_every` puts a blank
    line after every n-th line (see `line_of_record`)."""
    lines = [sep.join(fec.header)] + [sep.join(r) for r in fec.records]
    ends = eol if isinstance(eol, list) else [eol]
    parts = [text + ends[i % len(ends)] for i, text in enumerate(lines)]
    if blank_every:
        parts = [
            p + (ends[i % len(ends)] if i % blank_every == blank_every - 1 else "")
            for i, p in enumerate(parts)
        ]
    if final is not None:
        parts[-1] = lines[-1] + final
    body = "".join(parts) + trailing
    data = body.encode(encoding)
    path.write_bytes((codecs.BOM_UTF8 if bom else b"") + data)
    return path


def line_of_record(record: int, blank_every: int = 0) -> int:
    """Physical line of a record when `write` put a blank line after every n-th line."""
    line = record + 2
    return line + ((record + 1) // blank_every if blank_every else 0)
