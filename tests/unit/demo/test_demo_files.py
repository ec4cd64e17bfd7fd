"""Every file is where c360 expects it, with the exact headers and plausible content."""

from __future__ import annotations

import csv
import re
import tomllib
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from stdnum.eu import vat as eu_vat
from stdnum.fr import siren as fr_siren
from stdnum.fr import siret as fr_siret

from demo_company import DemoSummary
from demo_company.config import PAYMENT_TERMS, REPORTING_SIREN
from demo_company.writers import hubspot, odoo


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


# The writers' own header constants (one place per fact): this test pins that each file is
# where c360 looks and written under its header; a column the profiles do not know fails
# the integration tests that build the demo company against its truth.
HEADERS = {
    "hubspot/companies.csv": hubspot.COMPANY_HEADER,
    "hubspot/contacts.csv": hubspot.CONTACT_HEADER,
    "hubspot/deals.csv": hubspot.DEAL_HEADER,
    "odoo/res_partner.csv": odoo.PARTNER_HEADER,
    "odoo/sale_order.csv": odoo.ORDER_HEADER,
    "odoo/account_move.csv": odoo.MOVE_HEADER,
}
HS_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$")
ODOO_ID = re.compile(r"^__export__\.(res_partner|sale_order|account_move)_\d+_[0-9a-f]{8}$")


def test_layout_and_config(demo: DemoSummary) -> None:
    root = demo.out_dir
    assert demo.config_path == root / "c360.toml"
    assert demo.fec_path == root / "inbox" / "fec" / f"{REPORTING_SIREN}FEC20261231.txt"
    for rel in HEADERS:
        assert (root / "inbox" / rel).is_file()
    config: dict[str, Any] = tomllib.loads(demo.config_path.read_text(encoding="utf-8"))
    assert config["data_dir"] == "data"
    assert config["as_of"] == "2026-11-28"
    assert config["currency"] == "EUR"
    assert [(s["name"], s["system"], s["role"], s["inbox"]) for s in config["sources"]] == [
        ("crm", "hubspot", "crm", "inbox/hubspot"),
        ("erp", "odoo", "erp", "inbox/odoo"),
        ("compta", "fec", "accounting", "inbox/fec"),
    ]


def test_config_loads_with_settings(demo: DemoSummary) -> None:
    from kernel.settings import load_settings

    settings = load_settings(demo.config_path)
    assert [s.name for s in settings.sources] == ["crm", "erp", "compta"]
    assert settings.as_of == date(2026, 11, 28)


def test_headers_and_counts(demo: DemoSummary, inbox: Path) -> None:
    for rel, header in HEADERS.items():
        with (inbox / rel).open(encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh))
        assert rows[0] == list(header), rel
        assert len(rows) - 1 == demo.counts[rel], rel
        assert all(len(r) == len(header) for r in rows), rel
    assert demo.counts["hubspot/companies.csv"] > 0.85 * demo.companies


def test_hubspot_conventions(inbox: Path) -> None:
    raw = (inbox / "hubspot" / "companies.csv").read_text(encoding="utf-8")
    assert raw.startswith('"Record ID","Company name"')  # every field quoted
    companies = read_csv(inbox / "hubspot" / "companies.csv")
    assert all(re.fullmatch(r"\d{10,12}", r["Record ID"]) for r in companies)
    assert len({r["Record ID"] for r in companies}) == len(companies)
    assert {r["Lifecycle Stage"] for r in companies} == {"Customer", "Opportunity", "Lead"}
    assert "Camille Martin" in {r["Company owner"] for r in companies}
    assert all(HS_DATETIME.match(r["Create Date"]) for r in companies)
    assert {r["Country/Region"] for r in companies} >= {"France"}
    assert all(not r["SIRET"] for r in companies if r["Country/Region"] != "France")
    contacts = read_csv(inbox / "hubspot" / "contacts.csv")
    ids = {r["Record ID"] for r in companies}
    assert all(r["Primary Associated Company ID"] in ids for r in contacts)
    assert any("\n" in r["Job Title"] for r in contacts), "no multi-line cell"
    deals = read_csv(inbox / "hubspot" / "deals.csv")
    assert all(r["Associated Company IDs (Primary)"] in ids for r in deals)
    assert all(r["Is Closed Won"] in ("true", "false") for r in deals)
    assert all(r["Amount"] == "" or r["Amount"].endswith(".0") for r in deals)
    assert {r["Deal Stage"] for r in deals} <= {
        "Appointment Scheduled",
        "Qualified To Buy",
        "Presentation Scheduled",
        "Decision Maker Bought-In",
        "Contract Sent",
        "Closed Won",
        "Closed Lost",
    }


def test_identifiers(inbox: Path, truth: dict[str, Any]) -> None:
    assert fr_siren.is_valid(REPORTING_SIREN)
    assert fr_siren.is_valid(truth["reporting_siren"])
    partners = read_csv(inbox / "odoo" / "res_partner.csv")
    registries = [p["company_registry"] for p in partners if p["company_registry"] != "False"]
    registries = [r for r in registries if r]
    assert len(registries) > 0.8 * len(partners)
    assert all(fr_siret.is_valid(r) for r in registries)
    for p in partners:
        if p["vat"].startswith("FR"):
            siren = p["vat"][4:]
            assert p["vat"] == f"FR{int(siren + '12') % 97:02d}{siren}"
        if p["vat"] not in ("", "False"):
            assert eu_vat.is_valid(p["vat"]), p["vat"]
    # The planted invalid SIRETs are invalid; every other SIRET in HubSpot is valid.
    invalid_owner = {
        r["source_id"]
        for c in truth["companies"]
        if "siret_invalid_crm" in c["dirt"]
        for r in c["records"]
        if r["source"] == "crm"
    }
    assert invalid_owner
    for row in read_csv(inbox / "hubspot" / "companies.csv"):
        if not row["SIRET"]:
            continue
        if row["Record ID"] in invalid_owner:
            assert not fr_siret.is_valid(row["SIRET"]), row["SIRET"]
        else:
            assert fr_siret.is_valid(row["SIRET"]), row["SIRET"]


def test_odoo_conventions(inbox: Path) -> None:
    partners = read_csv(inbox / "odoo" / "res_partner.csv")
    terms = {p["id"]: PAYMENT_TERMS[p["property_payment_term_id"]] for p in partners}
    assert all(ODOO_ID.match(p["id"]) for p in partners)
    assert all(re.fullmatch(r"C\d{5}", p["ref"]) for p in partners)
    assert {p["category_id"] for p in partners} <= {"PME", "ETI", "Grand compte", "TPE"}
    assert "False" in {p["email"] for p in partners} | {p["vat"] for p in partners} | {
        p["company_registry"] for p in partners
    }
    orders = read_csv(inbox / "odoo" / "sale_order.csv")
    assert {o["state"] for o in orders} == {"draft", "sent", "sale", "cancel"}
    assert all(o["partner_id/id"] in terms for o in orders)
    moves = read_csv(inbox / "odoo" / "account_move.csv")
    assert {m["move_type"] for m in moves} == {"out_invoice", "out_refund"}
    assert {m["state"] for m in moves} == {"posted", "draft", "cancel"}
    for m in moves:
        assert ODOO_ID.match(m["id"])
        untaxed, total = Decimal(m["amount_untaxed"]), Decimal(m["amount_total"])
        assert total == (untaxed * Decimal("1.2")).quantize(Decimal("0.01"), ROUND_HALF_UP)
        assert Decimal(m["amount_tax"]) == total - untaxed
        assert 0 <= Decimal(m["amount_residual"]) <= total
        issued = date.fromisoformat(m["invoice_date"])
        assert date(2025, 1, 1) <= issued <= date(2026, 11, 28)
        due = issued + timedelta(days=terms[m["partner_id/id"]])
        assert m["invoice_date_due"] == due.isoformat()
        if m["state"] == "posted" and m["move_type"] == "out_refund":
            assert Decimal(m["amount_residual"]) == 0
    posted = [m for m in moves if m["state"] == "posted" and m["move_type"] == "out_invoice"]
    assert {m["payment_state"] for m in posted} == {
        "not_paid",
        "partial",
        "paid",
        "in_payment",
        "reversed",
    }
    assert all(re.fullmatch(r"INV/20(25|26)/\d{5}", m["name"]) for m in posted)
