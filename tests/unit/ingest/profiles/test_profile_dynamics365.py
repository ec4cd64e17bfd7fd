"""Dynamics 365 Web API pages (flattened JSON, logical names, choice integers, GUIDs)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tests.unit.ingest.profiles.conftest import Load

ACME = "6f0a1c2e-1111-4a2b-9c3d-00000000a001"
BETA = "6f0a1c2e-1111-4a2b-9c3d-00000000a002"  # upper-case GUID in the page, lower-cased


def test_dynamics365_profile(load: Load) -> None:
    db = load("dynamics365")
    assert db.runs() == {
        ("page-accounts-00001.json", "customer"): ("loaded", 2, 2, 0, 0),
        ("page-contacts-00001.json", "contact"): ("loaded", 1, 1, 0, 0),
        ("page-invoices-00001.json", "invoice"): ("loaded", 2, 2, 0, 0),
        ("page-opportunities-00001.json", "opportunity"): ("loaded", 3, 3, 0, 0),
        ("page-products-00001.json", "product"): ("loaded", 1, 1, 0, 0),
        ("page-salesorders-00001.json", "sales_order"): ("loaded", 5, 5, 0, 0),
    }
    assert db.rejects() == []
    assert db.rows(
        "customer",
        "source_id, customer_code, name, email, phone, website, street, postcode, city, "
        "country, owner, payment_terms_days, credit_limit_amount, currency, created_at, updated_at",
    ) == [
        (ACME, "C0001", "ACME SAS", "compta@acme.fr", "+33142000000", "https://www.acme.fr",
         "12 rue de la Paix Bât. B", "75002", "Paris", "FR", "0b0b0b0b-0000-0000-0000-000000000005",
         45, Decimal("50000.00"), "EUR", datetime(2025, 1, 10, 8, 30),
         datetime(2026, 3, 2, 17, 45, 12)),
        # paymenttermscode 100000001 is a custom option: no days.
        (BETA, None, "Beta SARL", None, None, None, None, "69001", "Lyon", "FR", None, None,
         None, "EUR", datetime(2025, 2, 1, 9, 0), datetime(2026, 1, 15, 10, 0)),
    ]  # fmt: skip
    assert db.rows("contact", "source_id, customer_source_id, full_name, email, job_title") == [
        (
            "c0c0c0c0-0000-0000-0000-000000000001",
            ACME,
            "Marie Durand",
            "marie.durand@acme.fr",
            "CFO",
        )
    ]
    assert db.rows(
        "opportunity", "customer_source_id, status, amount, probability, close_date, created_at"
    ) == [
        (ACME, "open", Decimal("25000.00"), Decimal("0.6000"), date(2026, 6, 30),
         datetime(2026, 1, 5, 10, 0)),
        (ACME, "won", Decimal("12500.50"), Decimal("1.0000"), date(2026, 2, 15),
         datetime(2025, 12, 1, 10, 0)),
        (BETA, "lost", Decimal("3000.00"), Decimal("0.0000"), date(2026, 1, 20),
         datetime(2025, 11, 1, 10, 0)),
    ]  # fmt: skip
    # statecode 0 active, 1 submitted, 2 canceled, 3 fulfilled, 4 invoiced.
    assert db.rows(
        "sales_order", "order_number, status, order_date, amount_excl_tax, amount_incl_tax"
    ) == [
        ("ORD-01001", "confirmed", date(2026, 2, 1), Decimal("1000.00"), Decimal("1200.00")),
        ("ORD-01002", "confirmed", date(2026, 2, 2), Decimal("2000.00"), Decimal("2400.00")),
        ("ORD-01003", "cancelled", date(2026, 2, 3), Decimal("3000.00"), Decimal("3600.00")),
        ("ORD-01004", "delivered", date(2026, 2, 4), Decimal("4000.00"), Decimal("4800.00")),
        ("ORD-01005", "invoiced", date(2026, 2, 5), Decimal("5000.00"), Decimal("6000.00")),
    ]
    # No balance ledger in CE: amount_open is NULL unless the invoice is paid/cancelled.
    assert db.rows(
        "invoice",
        "invoice_number, customer_source_id, kind, status, order_ref, issue_date, due_date, "
        "amount_excl_tax, amount_incl_tax, amount_open",
    ) == [
        ("INV-01001", ACME, "invoice", "posted", "50505050-0000-0000-0000-000000000005",
         date(2026, 2, 5), date(2026, 3, 7), Decimal("5000.00"), Decimal("6000.00"), None),
        ("INV-01002", ACME, "invoice", "posted", None, date(2026, 1, 1), date(2026, 1, 31),
         Decimal("1000.00"), Decimal("1200.00"), Decimal("0.00")),
    ]  # fmt: skip
    assert db.rows("product", "product_code, name, list_price, is_active") == [
        ("LIC-100", "Licence annuelle", Decimal("1250.0500"), True)
    ]
