"""Salesforce Data Loader / Data Export CSVs: upper-case and API-name headers, 15→18 ids."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tests.unit.ingest.profiles.conftest import Load

ACME = "0015g00000AbCdEAAV"  # 18-char form of the 15-char 0015g00000AbCdE
BETA = "0015g00000BcdefAAB"  # 18-char form of the 15-char 0015g00000Bcdef


def test_salesforce_profile(load: Load) -> None:
    db = load("salesforce")
    assert db.runs() == {
        ("Account.csv", "customer"): ("loaded", 2, 2, 0, 0),
        ("Contact.csv", "contact"): ("loaded", 1, 1, 0, 0),
        ("Opportunity.csv", "opportunity"): ("loaded", 3, 3, 0, 0),
        ("OpportunityLineItem.csv", "order_line"): ("loaded", 1, 1, 0, 0),
        ("Order.csv", "sales_order"): ("loaded", 3, 3, 0, 0),
        ("Product2.csv", "product"): ("loaded", 1, 1, 0, 0),
        ("Quote.csv", "quote"): ("loaded", 1, 1, 0, 0),
    }
    assert db.rejects() == []

    # Data Loader Account.csv: upper-case headers, a 15-char Id, SIRET__C custom field;
    # the IsDeleted row loads, flagged deleted at its source.
    assert db.rows(
        "customer",
        "source_id, customer_code, name, siren, siret, siret_valid, phone, website, street, "
        "postcode, city, country, segment, owner, lifecycle_stage, is_customer, currency, "
        "created_at, updated_at, is_deleted",
    ) == [
        (ACME, "C0001", "ACME SAS", "732829320", "73282932000074", True, "+33142000000",
         "www.acme.fr", "12 rue de la Paix", "75002", "Paris", "FR", "Manufacturing",
         "0055g00000XyZabAAF", "Customer - Direct", True, "EUR",
         datetime(2025, 1, 10, 8, 30), datetime(2026, 3, 2, 17, 45, 12), False),
        (BETA, None, "Beta SARL", None, None, None, None, None, None, "69001", "Lyon", "FR",
         "Retail", "0055g00000XyZabAAF", "Prospect", False, "EUR",
         datetime(2025, 2, 1, 9, 0), datetime(2026, 1, 15, 10, 0), True),
    ]  # fmt: skip
    assert db.rows("contact", "source_id, customer_source_id, full_name, email, phone") == [
        ("0035g00000CcCcCAAA", ACME, "Marie Durand", "marie.durand@acme.fr", "+33612345678")
    ]
    # Status from IsClosed/IsWon, Probability percent → 0..1, every id in 18 chars.
    assert db.rows(
        "opportunity", "source_id, customer_source_id, stage, status, amount, probability, close_date"
    ) == [
        ("0065g00000OppAaAAJ", ACME, "Negotiation/Review", "open", Decimal("25000.00"),
         Decimal("0.6000"), date(2026, 6, 30)),
        ("0065g00000OppBbAAJ", ACME, "Closed Won", "won", Decimal("12500.50"),
         Decimal("1.0000"), date(2026, 2, 15)),
        ("0065g00000OppCcAAJ", BETA, "Closed Lost", "lost", Decimal("3000.00"),
         Decimal("0.0000"), date(2026, 1, 20)),
    ]  # fmt: skip
    assert db.rows(
        "sales_order", "source_id, customer_source_id, order_number, status, order_date, amount_excl_tax"
    ) == [
        ("8015g00000Ord01AAA", ACME, "00000100", "draft", date(2026, 2, 16), Decimal("0.00")),
        ("8015g00000Ord02AAA", ACME, "00000101", "confirmed", date(2026, 2, 20), Decimal("12500.50")),
        ("8015g00000Ord03AAA", BETA, "00000102", "cancelled", date(2026, 1, 5), Decimal("800.00")),
    ]  # fmt: skip
    assert db.rows(
        "quote",
        "source_id, customer_source_id, opportunity_source_id, quote_number, status, issue_date, "
        "valid_until, amount_excl_tax, amount_incl_tax",
    ) == [
        ("0Q05g00000Qte01AAA", ACME, "0065g00000OppAaAAJ", "00000007", "sent", date(2026, 3, 1),
         date(2026, 4, 30), Decimal("25000.00"), Decimal("30000.00")),
    ]  # fmt: skip
    assert db.rows(
        "order_line",
        "source_id, order_source_id, product_code, description, quantity, unit_price, amount_excl_tax",
    ) == [
        ("00k5g00000Li001AAA", "0065g00000OppBbAAJ", "LIC-100", "Licence annuelle",
         Decimal("10.0000"), Decimal("1250.0500"), Decimal("12500.50")),
    ]  # fmt: skip
    assert db.rows("product", "source_id, product_code, name, family, is_active") == [
        ("01t5g00000Prd01AAA", "LIC-100", "Licence annuelle", "Software", True)
    ]
