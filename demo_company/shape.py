"""How the demo company keeps its books: the shapes of French ledgers c360 must read.

The default shape is today's demo (411000 + auxiliary accounts, every payment lettered, an
ERP beside the books) and produces byte-identical files. The other shapes are the ones
real small companies send:

- `ledger="per-account"`: one general account per customer (`411C00559` "MARCHAND ET FILS
  SARL", CompAuxNum blank). A share `coded_accounts` of them embed the customer code after
  411 (c360.toml then sets `account_code = "411(?P<code>.+)"`); the others are sequential
  numbers (`41190001`) that can only link by name.
- `unlettered`: the share of the year's payments and credit notes the accountant never
  lettered against their invoice (unallocated cash). With it, 1 % of the year's payments
  were sent twice by the customer (`BNK1/2026/00042-B`, in the books only, unlettered),
  so some customers end in credit.
- `erp=False`: a CRM and the books only; invoices and revenue come from the sales entries.

Choices a shape adds are drawn from their own seeded generators (`shape_rng`), never from
the world's, so every shape of one seed describes the same companies and the same money.
"""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass
from typing import Any, Literal

LedgerKind = Literal["auxiliary", "per-account"]
LEDGER_KINDS: tuple[LedgerKind, ...] = ("auxiliary", "per-account")
DEFAULT_CODED_ACCOUNTS = 0.7
# The regular expression the demo's c360.toml gives the accounting source.
ACCOUNT_CODE_PATTERN = "411(?P<code>.+)"


@dataclass(frozen=True)
class Shape:
    ledger: LedgerKind = "auxiliary"
    unlettered: float = 0.0  # share of in-year payments and credit notes left unlettered
    erp: bool = True
    coded_accounts: float = DEFAULT_CODED_ACCOUNTS  # per-account only: share embedding the code

    def __post_init__(self) -> None:
        if self.ledger not in LEDGER_KINDS:
            raise ValueError(
                f"ledger must be one of {', '.join(LEDGER_KINDS)}, not {self.ledger!r}"
            )
        if not 0.0 <= self.unlettered <= 1.0:
            raise ValueError(f"unlettered must be between 0 and 1, not {self.unlettered}")
        if not 0.0 <= self.coded_accounts <= 1.0:
            raise ValueError(f"coded_accounts must be between 0 and 1, not {self.coded_accounts}")

    @property
    def is_default(self) -> bool:
        return self.ledger == "auxiliary" and self.unlettered == 0.0 and self.erp

    @property
    def per_account(self) -> bool:
        return self.ledger == "per-account"

    def describe(self) -> dict[str, Any]:
        out = asdict(self)
        if not self.per_account:
            del out["coded_accounts"]
        return out


def shape_rng(seed: int, purpose: str) -> random.Random:
    """A generator for one kind of shape choice, independent of the world's sequence."""
    return random.Random(f"c360-demo/{seed}/{purpose}")
