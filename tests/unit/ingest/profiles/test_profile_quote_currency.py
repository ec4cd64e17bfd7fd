"""Quote currency from the CRMs: HubSpot `Currency` (export) / `hs_currency` (API),
Salesforce Quote `CurrencyIsoCode` (multi-currency orgs), Dynamics 365 quote
`transactioncurrencyid` expanded to its `isocurrencycode`. Exact rows, money to the cent."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tests.unit.ingest.profiles.conftest import Load


def test_hubspot_quote_currency(load: Load) -> None:
    db = load("hubspot", "quote_currency_hubspot")
    assert db.runs()[("quotes.csv", "quote")] == ("loaded", 3, 3, 0, 0)
    assert db.rows("quote", "source_id, quote_number, status, amount_excl_tax, currency") == [
        ("81000000011", "20260301-1042", "sent", Decimal("25000.00"), "EUR"),
        ("81000000012", "20260305-1043", "accepted", Decimal("12000.50"), "GBP"),
        ("81000000013", "20260310-1044", "draft", Decimal("990.99"), "USD"),
    ]


def test_salesforce_quote_currency(load: Load) -> None:
    db = load("salesforce", "quote_currency_salesforce")
    assert db.runs()[("Quote.csv", "quote")] == ("loaded", 2, 2, 0, 0)
    assert db.rows(
        "quote", "source_id, quote_number, status, amount_excl_tax, amount_incl_tax, currency"
    ) == [
        ("0Q05g00000Qte11AAA", "00000011", "sent", Decimal("25000.00"), Decimal("30000.00"), "EUR"),
        (
            "0Q05g00000Qte12AAA",
            "00000012",
            "accepted",
            Decimal("10000.00"),
            Decimal("12000.00"),
            "GBP",
        ),
    ]


def test_dynamics365_quote_currency_from_the_expanded_lookup(load: Load) -> None:
    db = load("dynamics365", "quote_currency_dynamics365")
    assert db.runs()[("page-quotes-00001.json", "quote")] == ("loaded", 2, 2, 0, 0)
    assert db.rows(
        "quote", "source_id, quote_number, status, amount_excl_tax, amount_incl_tax, currency"
    ) == [
        (
            "7a7a7a7a-0000-0000-0000-000000000011",
            "QUO-01011",
            "sent",
            Decimal("1000.00"),
            Decimal("1200.00"),
            "EUR",
        ),
        (
            "7a7a7a7a-0000-0000-0000-000000000012",
            "QUO-01012",
            "accepted",
            Decimal("5000.00"),
            Decimal("5999.99"),
            "USD",
        ),
    ]
