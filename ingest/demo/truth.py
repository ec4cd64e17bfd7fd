"""What the pipeline should find: truth.json, and the c360.toml that points at the inbox.

Balances come from the same ledger model that produced the Odoo and FEC files, using
the DESIGN.md definitions (outstanding = open invoices − open credit notes; overdue =
open amounts whose due date is before as_of).
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from ingest.demo.companies import Company
from ingest.demo.config import CURRENCY, USERS, ZERO
from ingest.demo.ledger import Ledger

CONFIG_TEMPLATE = """\
data_dir = "data"
as_of = "{as_of}"
currency = "{currency}"

[[sources]]
name = "crm"
system = "hubspot"
role = "crm"
inbox = "inbox/hubspot"

[[sources]]
name = "erp"
system = "odoo"
role = "erp"
inbox = "inbox/odoo"

[[sources]]
name = "compta"
system = "fec"
role = "accounting"
inbox = "inbox/fec"
"""


def write_config(path: Path, as_of: date) -> Path:
    path.write_text(
        CONFIG_TEMPLATE.format(as_of=as_of.isoformat(), currency=CURRENCY), encoding="utf-8"
    )
    return path


def balances(ledger: Ledger, as_of: date) -> dict[str, tuple[Decimal, Decimal, int]]:
    """company key -> (outstanding, overdue, oldest overdue days) as of `as_of`."""
    outstanding: dict[str, Decimal] = defaultdict(lambda: ZERO)
    overdue: dict[str, Decimal] = defaultdict(lambda: ZERO)
    oldest: dict[str, int] = defaultdict(int)
    for inv in ledger.invoices:
        if inv.state != "posted":
            continue
        key, residual = inv.company.key, inv.residual
        outstanding[key] += residual
        if residual > ZERO and inv.due_date < as_of:
            overdue[key] += residual
            oldest[key] = max(oldest[key], (as_of - inv.due_date).days)
    # Credit notes are always fully applied in the demo (residual 0): nothing to subtract.
    return {k: (outstanding[k], overdue[k], oldest[k]) for k in outstanding}


def _records(c: Company, fec_customers: set[str]) -> list[dict[str, str]]:
    out = [{"source": "crm", "source_id": r.record_id} for r in (c.crm, c.crm_duplicate) if r]
    if c.erp:
        out.append({"source": "erp", "source_id": c.erp.xml_id})
        if c.erp.ref in fec_customers:
            out.append({"source": "compta", "source_id": c.erp.ref})
    return out


def build_truth(
    companies: list[Company],
    ledger: Ledger,
    fec_customers: set[str],
    seed: int,
    as_of: date,
    reporting_siren: str,
) -> dict[str, Any]:
    money = balances(ledger, as_of)
    rows = []
    for c in companies:
        outstanding, overdue, oldest = money.get(c.key, (ZERO, ZERO, 0))
        rows.append(
            {
                "company_key": c.key,
                "name": c.name,
                "siren": c.siren,
                "records": _records(c, fec_customers),
                "customer_code": c.erp.ref if c.erp else None,
                "outstanding_amount": f"{outstanding:.2f}",
                "overdue_amount": f"{overdue:.2f}",
                "oldest_overdue_days": oldest,
                "segment": c.segment,
                "owner": c.owner,
                "payment_terms_days": c.payment_days,
                "dirt": c.dirt,
            }
        )
    return {
        "seed": seed,
        "as_of": as_of.isoformat(),
        "currency": CURRENCY,
        "reporting_siren": reporting_siren,
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
