"""Demo company generator: a fictitious French SME with HubSpot, Odoo and FEC extracts.

`generate_demo(out_dir)` writes, for "Atelier Dubois Industrie":

- `c360.toml` with three sources: `crm` (hubspot), `erp` (odoo), `compta` (fec);
- `inbox/hubspot/companies.csv, contacts.csv, deals.csv` (HubSpot UI exports);
- `inbox/odoo/res_partner.csv, sale_order.csv, account_move.csv` (import-compatible exports);
- the relationship side (writers/relationship.py): `inbox/hubspot/calls.csv, meetings.csv,
  tasks.csv, tickets.csv, quotes.csv` and `inbox/odoo/account_payment.csv`;
- `inbox/fec/<SIREN>FEC<YYYY>1231.txt` (the FEC of the fiscal year of `as_of`);
- `truth.json`: every company, the source records it is made of, its outstanding,
  overdue, aging, unallocated cash and revenue, the dirt planted in it, and the demo users.

`shape` (shape.py) changes how the books are kept: per-customer 411 accounts, unlettered
payments and credit notes, no ERP at all (then no `inbox/odoo` and no `erp` source). The
default shape writes the same inbox and c360.toml as before, byte for byte.

Same seed, same bytes: randomness comes only from `random.Random(seed)` and a Faker
seeded with it, and no wall-clock time is read.

The package: the world (world.py, companies.py, identifiers.py, dirt.py, ledger.py, with
config.py and shape.py), what it is known to hold (truth.py, also the demo's c360.toml), and
writers/ turning it into each system's export files. It imports nothing of c360: the demo
is fed to c360 as a customer's files would be (docs/architecture.md, "A folder per source
system", says why the writers live here and not in ingest/systems/).
"""

from __future__ import annotations

import gc
import logging
import random
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from faker import Faker

from demo_company.config import DEFAULT_AS_OF, REPORTING_NAME, REPORTING_SIREN
from demo_company.ledger import build_ledger
from demo_company.shape import Shape
from demo_company.truth import build_truth, write_config, write_truth
from demo_company.world import build_companies
from demo_company.writers.fec import plan_books, write_fec
from demo_company.writers.hubspot import write_hubspot
from demo_company.writers.odoo import write_odoo
from demo_company.writers.relationship import write_relationship

__all__ = ["DemoSummary", "Shape", "generate_demo", "REPORTING_NAME", "REPORTING_SIREN"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class DemoSummary:
    """Where the demo went and how many data rows each file holds."""

    out_dir: Path
    config_path: Path
    truth_path: Path
    fec_path: Path
    companies: int
    files: dict[str, Path] = field(default_factory=dict)  # "hubspot/companies.csv" -> path
    counts: dict[str, int] = field(default_factory=dict)  # same keys -> data rows (no header)


def generate_demo(
    out_dir: Path,
    customers: int = 2000,
    seed: int = 42,
    as_of: date = DEFAULT_AS_OF,
    dirt: float = 1.0,
    shape: Shape | None = None,
) -> DemoSummary:
    """Generate the demo company into `out_dir` (created if needed, files overwritten).

    `customers` is the number of distinct real companies (CRM-only prospects and
    ERP-only customers included; CRM duplicates come on top as extra records).
    History runs from 1 January of the year before `as_of` up to `as_of`.
    `shape` is how the books are kept (default: 411000 + auxiliary accounts, all lettered,
    with an ERP).
    """
    if customers < 1:
        raise ValueError("customers must be at least 1")
    out_dir = Path(out_dir)
    # Millions of small objects and no cycles worth collecting: the cyclic GC only costs
    # time here (measured ~15 % at 8k customers), so pause it for the duration.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _generate(out_dir, customers, seed, as_of, dirt, shape or Shape())
    finally:
        if gc_was_enabled:
            gc.enable()


def _generate(
    out_dir: Path, customers: int, seed: int, as_of: date, dirt: float, shape: Shape
) -> DemoSummary:
    rng = random.Random(seed)
    fake = Faker("fr_FR")
    fake.seed_instance(seed)
    history_start = date(as_of.year - 1, 1, 1)

    companies = build_companies(customers, rng, fake, history_start, as_of, dirt)
    ledger = build_ledger(companies, rng, history_start, as_of)

    inbox = out_dir / "inbox"
    counts: dict[str, int] = {}
    files: dict[str, Path] = {}
    for name, rows in write_hubspot(companies, inbox / "hubspot", rng, fake, as_of).items():
        counts[f"hubspot/{name}"], files[f"hubspot/{name}"] = rows, inbox / "hubspot" / name
    if shape.erp:
        for name, rows in write_odoo(companies, ledger, inbox / "odoo", as_of).items():
            counts[f"odoo/{name}"], files[f"odoo/{name}"] = rows, inbox / "odoo" / name
    rel_counts, rel_truth = write_relationship(companies, ledger, inbox, seed, as_of, shape.erp)
    for name, rows in rel_counts.items():
        counts[name], files[name] = rows, inbox / name
    books = plan_books(ledger, shape, seed, as_of)
    fec_path, fec_rows, fec_customers = write_fec(
        ledger, inbox / "fec", REPORTING_SIREN, as_of, books
    )
    counts[f"fec/{fec_path.name}"], files[f"fec/{fec_path.name}"] = fec_rows, fec_path

    truth = build_truth(
        companies, ledger, fec_customers, seed, as_of, REPORTING_SIREN, books, shape, rel_truth
    )
    truth_path = write_truth(out_dir / "truth.json", truth)
    config_path = write_config(out_dir / "c360.toml", as_of, shape)
    logger.info("demo company written to %s: %s", out_dir, counts)
    return DemoSummary(
        out_dir=out_dir,
        config_path=config_path,
        truth_path=truth_path,
        fec_path=fec_path,
        companies=len(companies),
        files=files,
        counts=counts,
    )
