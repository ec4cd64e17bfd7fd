"""Dynamics 365 pages whose money is in its own currency: every object with money reads
the expanded `transactioncurrencyid` (its `isocurrencycode`, as the connector writes it);
a record that names no currency takes the settings' one (EUR here). Exact rows, money to
the cent, read = loaded + rejected + skipped."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tests.unit.ingest.profiles.conftest import Load

A1 = "6f0a1c2e-1111-4a2b-9c3d-00000000c001"
A2 = "6f0a1c2e-1111-4a2b-9c3d-00000000c002"


def test_every_object_with_money_reads_its_currency(load: Load) -> None:
    db = load("dynamics365", "dynamics365_currency")
    assert db.runs() == {
        ("page-accounts-00001.json", "customer"): ("loaded", 2, 2, 0, 0),
        ("page-opportunities-00001.json", "opportunity"): ("loaded", 1, 1, 0, 0),
        ("page-salesorders-00001.json", "sales_order"): ("loaded", 1, 1, 0, 0),
        ("page-salesorderdetails-00001.json", "order_line"): ("loaded", 1, 1, 0, 0),
        ("page-invoices-00001.json", "invoice"): ("loaded", 1, 1, 0, 0),
        ("page-products-00001.json", "product"): ("loaded", 2, 2, 0, 0),
    }
    assert db.rows("customer", "source_id, name, credit_limit_amount, currency") == [
        (A1, "Contoso Inc.", Decimal("50000.00"), "USD"),
        (A2, "Atelier Dupont", Decimal("7500.50"), "EUR"),  # no currency: the settings'
    ]
    assert db.rows("opportunity", "customer_source_id, amount, currency, close_date") == [
        (A1, Decimal("125000.50"), "USD", date(2026, 6, 30)),
    ]
    assert db.rows("sales_order", "order_number, amount_excl_tax, amount_incl_tax, currency") == [
        ("ORD-01201-UK", Decimal("1000.00"), Decimal("1200.00"), "GBP")
    ]
    assert db.rows(
        "order_line", "description, quantity, unit_price, discount_percent, amount_excl_tax, currency"
    ) == [
        ("Service visit", Decimal("4.0000"), Decimal("250.0000"), Decimal("10.0000"),
         Decimal("900.00"), "GBP"),
    ]  # fmt: skip
    assert db.rows(
        "invoice", "invoice_number, amount_excl_tax, amount_incl_tax, amount_open, currency"
    ) == [("INV-01401-UK", Decimal("1000.00"), Decimal("1200.00"), Decimal("0.00"), "GBP")]
    assert db.rows("product", "product_code, list_price, currency") == [
        ("SVC-US", Decimal("49.9900"), "USD"),
        ("SVC", Decimal("45.0000"), "EUR"),
    ]
