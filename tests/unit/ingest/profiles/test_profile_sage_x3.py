"""Sage X3 French extracts: `;`, Windows-1252, dd/mm/yyyy, `1 234,56`, blanks `' '`,
null dates 1753-01-01 / 31/12/1599; SQL `_0` names and bare template names."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tests.unit.ingest.profiles.conftest import Load

FIXTURES = Path(__file__).parents[4] / "tests" / "data" / "profiles"


def test_fixture_is_french_x3() -> None:
    raw = (FIXTURES / "sage_x3" / "BPCUSTOMER.csv").read_bytes()
    assert "Société".encode("cp1252") in raw and b";50 000,00;" in raw and b"\r\n" in raw


def test_sage_x3_profile(load: Load) -> None:
    db = load("sage_x3")
    assert db.runs() == {
        ("BPCUSTOMER.csv", "customer"): ("loaded", 3, 3, 0, 0),
        ("GACCDUDATE.csv", "receivable_item"): ("loaded", 3, 3, 0, 0),
        ("SINVOICE.csv", "invoice"): ("loaded", 2, 2, 0, 0),
        ("SORDER.csv", "sales_order"): ("loaded", 2, 2, 0, 0),
    }
    assert db.rejects() == []
    assert db.rows(
        "customer",
        "source_id, customer_code, name, siren, siret, vat_number, email, phone, street, "
        "postcode, city, country, segment, owner, payment_terms_days, credit_limit_amount, "
        "currency, created_at, updated_at",
    ) == [
        ("C0001", "C0001", "ACME SAS", "732829320", "73282932000074", "FR44732829320",
         "compta@acme.fr", "+33142000000", "12 rue de la Paix Bât. B", "75002", "Paris", "FR",
         "GC", "REP01", 30, Decimal("50000.00"), "EUR", datetime(2025, 1, 10),
         datetime(2026, 3, 2)),
        # CRN holding a SIREN; COMPTANT = 0 days; UPDDAT 01/01/1753 = no date; ' ' = NULL.
        ("C0002", "C0002", "Société Générale d'Études", "404833048", None, None, None, None,
         "5 place Bellecour", "69002", "Lyon", "FR", "PME", None, 0, Decimal("1234.56"), "EUR",
         datetime(2025, 2, 1), None),
        ("C0003", "C0003", "Gamma", None, None, None, None, None, None, None, None, "FR", None,
         None, 60, None, "EUR", None, datetime(2026, 1, 15)),
    ]  # fmt: skip
    assert db.rows(
        "sales_order",
        "source_id, customer_source_id, status, order_date, amount_excl_tax, amount_incl_tax, owner",
    ) == [
        ("SON2600001", "C0001", "confirmed", date(2026, 1, 5), Decimal("10000.00"),
         Decimal("12000.00"), "REP01"),
        ("SON2600002", "C0002", "delivered", date(2025, 12, 20), Decimal("1234.56"),
         Decimal("1481.47"), None),
    ]  # fmt: skip
    # INVTYP 1 invoice / 2 credit memo; due = STRDUDDAT + term (30JFM → end of month).
    assert db.rows(
        "invoice",
        "source_id, customer_source_id, kind, status, issue_date, due_date, amount_excl_tax, "
        "amount_incl_tax, amount_open",
    ) == [
        ("AVO2600001", "C0001", "credit_note", "posted", date(2026, 1, 10), date(2026, 1, 10),
         Decimal("500.00"), Decimal("600.00"), None),
        ("FAC2600001", "C0001", "invoice", "posted", date(2026, 1, 5), date(2026, 2, 28),
         Decimal("10000.00"), Decimal("12000.00"), None),
    ]  # fmt: skip
    # open = (AMTLOC − PAYLOC) × SNS; template (bare) column names.
    assert db.rows(
        "receivable_item",
        "source_id, customer_source_id, account, kind, due_date, amount, amount_open",
    ) == [
        ("AVO/AVO2600001/1", "C0001", "CLI", "credit_note", date(2026, 1, 10),
         Decimal("-600.00"), Decimal("-600.00")),
        ("FAC/FAC2600001/1", "C0001", "CLI", "invoice", date(2026, 2, 28),
         Decimal("12000.00"), Decimal("10000.00")),
        ("RCT/RCT2600009/1", "C0002", "CLI", "payment", None, Decimal("-1481.47"),
         Decimal("0.00")),
    ]  # fmt: skip
