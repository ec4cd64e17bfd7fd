"""truth.json agrees with the files, recomputed independently from Odoo and from the FEC."""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from demo_company import DemoSummary

TERMS = {"Immediate Payment": 0, "15 Days": 15, "30 Days": 30, "45 Days": 45, "60 Days": 60}
AS_OF = date(2026, 11, 28)
Balance = tuple[str, str, int]  # outstanding, overdue, oldest overdue days


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def fec_amount(text: str) -> Decimal:
    return Decimal(text.replace(",", "."))


def summarise(items: list[tuple[Decimal, date]]) -> Balance:
    """(open amount, due date) items -> outstanding, overdue, oldest overdue days."""
    outstanding = sum((a for a, _ in items), Decimal("0"))
    late = [(a, due) for a, due in items if a > 0 and due < AS_OF]
    overdue = sum((a for a, _ in late), Decimal("0"))
    oldest = max(((AS_OF - due).days for _, due in late), default=0)
    return f"{outstanding:.2f}", f"{overdue:.2f}", oldest


def truth_by_code(truth: dict[str, Any]) -> dict[str, Balance]:
    return {
        c["customer_code"]: (c["outstanding_amount"], c["overdue_amount"], c["oldest_overdue_days"])
        for c in truth["companies"]
        if c["customer_code"]
    }


def test_header_fields(truth: dict[str, Any], demo: DemoSummary) -> None:
    assert truth["seed"] == 42 and truth["as_of"] == "2026-11-28"
    assert truth["currency"] == "EUR" and truth["reporting_siren"] in demo.fec_path.name
    assert len(truth["companies"]) == demo.companies
    users = {u["username"]: u for u in truth["users"]}
    assert users["camille"]["owner_name"] == "Camille Martin"
    assert {u["role"] for u in users.values()} == {
        "admin",
        "sales",
        "finance",
        "executive",
        "integration",
    }
    assert all(u["password"] for u in users.values())


def test_every_record_in_exactly_one_company(
    truth: dict[str, Any], inbox: Path, fec_rows: list[dict[str, str]]
) -> None:
    claimed = Counter(
        (r["source"], r["source_id"]) for c in truth["companies"] for r in c["records"]
    )
    assert max(claimed.values()) == 1
    expected = {("crm", r["Record ID"]) for r in read_csv(inbox / "hubspot" / "companies.csv")}
    expected |= {("erp", r["id"]) for r in read_csv(inbox / "odoo" / "res_partner.csv")}
    expected |= {("compta", r["CompAuxNum"]) for r in fec_rows if r["CompAuxNum"]}
    assert set(claimed) == expected
    for c in truth["companies"]:
        crm = [r for r in c["records"] if r["source"] == "crm"]
        assert len(crm) == (
            2 if "crm_duplicate" in c["dirt"] else 1 if "erp_only" not in c["dirt"] else 0
        )


def test_every_kind_of_dirt_is_planted(truth: dict[str, Any]) -> None:
    tags = Counter(t for c in truth["companies"] for t in c["dirt"])
    for tag in (
        "crm_duplicate",
        "name_variant",
        "siret_missing_crm",
        "siret_invalid_crm",
        "address_differs",
        "erp_only",
        "crm_only",
        "code_erp_in_crm",
    ):
        assert tags[tag] > 0, tag


def test_balances_from_odoo_match_truth(truth: dict[str, Any], inbox: Path) -> None:
    partners = read_csv(inbox / "odoo" / "res_partner.csv")
    ref_of = {p["id"]: p["ref"] for p in partners}
    items: dict[str, list[tuple[Decimal, date]]] = defaultdict(list)
    for m in read_csv(inbox / "odoo" / "account_move.csv"):
        if m["state"] != "posted":
            continue
        sign = 1 if m["move_type"] == "out_invoice" else -1
        due = date.fromisoformat(m["invoice_date_due"])
        items[ref_of[m["partner_id/id"]]].append((sign * Decimal(m["amount_residual"]), due))
    expected = truth_by_code(truth)
    computed = {ref: summarise(items.get(ref, [])) for ref in ref_of.values()}
    assert computed == expected
    assert any(v[1] != "0.00" for v in computed.values()), "no overdue customer at all"


def test_balances_from_fec_match_truth(
    truth: dict[str, Any], inbox: Path, fec_rows: list[dict[str, str]]
) -> None:
    terms = {
        p["ref"]: TERMS[p["property_payment_term_id"]]
        for p in read_csv(inbox / "odoo" / "res_partner.csv")
    }
    items: dict[str, list[tuple[Decimal, date]]] = defaultdict(list)
    groups: dict[tuple[str, str], list[dict[str, str]]] = defaultdict(list)
    for row in fec_rows:
        if not row["CompteNum"].startswith("411"):
            continue
        ref = row["CompAuxNum"]
        if row["EcritureLet"]:
            groups[(ref, row["EcritureLet"])].append(row)
        else:
            net = fec_amount(row["Debit"]) - fec_amount(row["Credit"])
            items[ref].append((net, _due(row["PieceDate"], terms[ref])))
    partial = 0
    for (ref, _), lines in groups.items():
        net = sum((fec_amount(r["Debit"]) - fec_amount(r["Credit"]) for r in lines), Decimal(0))
        if net:
            partial += 1
            first_debit = min(r["PieceDate"] for r in lines if fec_amount(r["Debit"]) > 0)
            items[ref].append((net, _due(first_debit, terms[ref])))
    assert partial > 0, "no partially lettered invoice in the FEC"
    computed = {ref: summarise(items.get(ref, [])) for ref in terms}
    assert computed == truth_by_code(truth)


def _due(piece_date: str, days: int) -> date:
    return datetime.strptime(piece_date, "%Y%m%d").date() + timedelta(days=days)
