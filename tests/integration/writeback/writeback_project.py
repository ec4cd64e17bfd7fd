"""A small company written by hand: an ERP (customers, invoices) and one record per
customer in each of four CRMs (HubSpot, Salesforce, Dynamics 365, Odoo), linked by the ERP
code the CRM record holds. Built through the production pipeline; the CRMs' `api`
sections point at the fake servers, which the write-back writes to.

As of 2026-11-28 (amounts to the cent):
- C001 Marchand: invoices 12,000.00 due 2026-10-01 (58 days late) and 1,200.00 not due;
  limit 10,000.00: outstanding 13,200.00, overdue 12,000.00, utilisation 132.00 %, last
  invoice 2026-11-10, alert credit_limit_exceeded.
- C002 Durand: 600.00 paid, 300.45 open not due; limit 5,000.00: utilisation 6.01 %.
- C003 Roux: nothing invoiced, no limit (its empty values are never written).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from built_copy import built_once
from fake_dynamics import guid
from writeback_vendor import Vendor

from ingest.pipeline import ingest
from kernel.settings import Settings, load_settings
from warehouse.build import build

AS_OF = date(2026, 11, 28)
DASHBOARD = "https://c360.example.com"
CUSTOMERS = """customer_id,name,city,owner,credit_limit_amount,payment_terms_days
C001,Marchand et Fils,Lyon,Alice Martin,10000.00,30
C002,Boulangerie Durand,Paris,Bruno Petit,5000.00,30
C003,Atelier Roux,Nantes,Alice Martin,,30
"""
INVOICE_HEAD = (
    "invoice_id,customer_id,invoice_number,kind,status,issue_date,due_date,"
    "amount_excl_tax,amount_incl_tax,amount_open\n"
)
INVOICES = {
    "INV-1": "C001,FA-0001,invoice,posted,2026-09-01,2026-10-01,10000.00,12000.00,{open1}",
    "INV-2": "C001,FA-0002,invoice,posted,2026-11-10,2026-12-10,1000.00,1200.00,1200.00",
    "INV-3": "C002,FA-0003,invoice,posted,2026-10-15,2026-11-14,500.00,600.00,0.00",
    "INV-4": "C002,FA-0004,invoice,posted,2026-11-20,2026-12-20,250.37,300.45,300.45",
}
# The CRM record of C001, C002, C003 in each CRM (ids the fake servers know).
RECORDS = {
    "hubspot": ["1001", "1002", "1003"],
    "salesforce": ["001000000000000AAA", "001000000000001AAA", "001000000000002AAA"],
    "dynamics365": [guid(0), guid(1), guid(2)],
    "odoo": ["1", "2", "3"],
}
NAMES = ["Marchand et Fils", "Boulangerie Durand", "Atelier Roux"]
CODES = ["C001", "C002", "C003"]
CITIES = ["Lyon", "Paris", "Nantes"]
SOURCE = {"hubspot": "hub", "salesforce": "sf", "dynamics365": "dyn", "odoo": "odoo"}


def _crm_file(system: str, folder: Path) -> None:
    ids = RECORDS[system]
    rows = list(zip(ids, NAMES, CODES, CITIES, strict=True))
    if system == "hubspot":
        lines = ['"Record ID","Company name","Code client ERP","City"']
        lines += [f'"{i}","{n}","{c}","{city}"' for i, n, c, city in rows]
        (folder / "companies.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    elif system == "salesforce":
        lines = ["Id,Name,AccountNumber,BillingCity"]
        lines += [f"{i},{n},{c},{city}" for i, n, c, city in rows]
        (folder / "Account.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    elif system == "dynamics365":
        page = [
            {"accountid": i, "name": n, "accountnumber": c, "address1_city": city}
            for i, n, c, city in rows
        ]
        (folder / "page-accounts-00001.json").write_text(json.dumps(page), encoding="utf-8")
    else:
        lines = ["id,name,ref,vat,city"] + [f"{i},{n},{c},,{city}" for i, n, c, city in rows]
        (folder / "res.partner.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


@dataclass
class Project:
    root: Path
    vendors: dict[str, Vendor]

    @property
    def settings(self) -> Settings:
        return load_settings(self.root / "c360.toml")

    def env(self) -> dict[str, str]:
        return {k: v for vendor in self.vendors.values() for k, v in vendor.env.items()}

    def invoices(self, open1: str = "12000.00") -> None:
        rows = [f"{k},{v.format(open1=open1)}" for k, v in INVOICES.items()]
        path = self.root / "inbox" / "erp" / "invoices.csv"
        path.write_text(INVOICE_HEAD + "\n".join(rows) + "\n", encoding="utf-8")

    def publish(self) -> None:
        settings = self.settings
        result = ingest(settings)
        assert result.ok, [o.message for o in result.refused]
        built = build(settings)
        assert built.published, built.message


def make_project(root: Path, vendors: dict[str, Vendor], *, after_nightly: bool = False) -> Project:
    """The company written and published in `root` (built once per process for each
    configuration, then copied)."""
    toml = [
        'data_dir = "data"',
        f'as_of = "{AS_OF}"',
        "[dashboard]",
        f'url = "{DASHBOARD}/"',
        "[writeback]",
        f"after_nightly = {'true' if after_nightly else 'false'}",
        "[[sources]]",
        'name = "erp"',
        'system = "generic"',
        'role = "erp"',
        'inbox = "inbox/erp"',
    ]
    for system, vendor in vendors.items():
        api = {"base_url": vendor.url, "token_env": vendor.token_env, **vendor.api}
        toml += [
            "[[sources]]",
            f'name = "{SOURCE[system]}"',
            f'system = "{system}"',
            'role = "crm"',
            f'inbox = "inbox/{SOURCE[system]}"',
            f"api = {_inline(api)}",
            "writeback = { enabled = true }",
        ]
    config = "\n".join(toml) + "\n"

    def make(folder: Path) -> None:
        (folder / "inbox" / "erp").mkdir(parents=True)
        (folder / "inbox" / "erp" / "customers.csv").write_text(CUSTOMERS, encoding="utf-8")
        for system in vendors:
            (folder / "inbox" / SOURCE[system]).mkdir(parents=True)
            _crm_file(system, folder / "inbox" / SOURCE[system])
        (folder / "c360.toml").write_text(config, encoding="utf-8")
        made = Project(folder, vendors)
        made.invoices()
        made.publish()

    built_once(config, root, make)
    return Project(root, vendors)


def _inline(table: dict[str, object]) -> str:
    return "{ " + ", ".join(f"{k} = {json.dumps(v)}" for k, v in table.items()) + " }"
