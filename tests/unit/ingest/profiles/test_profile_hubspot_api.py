"""HubSpot CRM v3 pages as the connector flattens them (properties + envelope, associations
as `associated_<type>_ids`): calls, tasks, tickets, quotes, line items and owners, loaded
with exact rows by the hubspot profile's API field names."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tests.unit.ingest.profiles.conftest import Load


def test_hubspot_api_pages(load: Load) -> None:
    db = load("hubspot", "hubspot_api")
    assert db.runs() == {
        ("page-calls-00001.json", "activity"): ("loaded", 2, 2, 0, 0),
        ("page-tasks-00001.json", "activity"): ("loaded", 1, 1, 0, 0),
        ("page-tickets-00001.json", "ticket"): ("loaded", 3, 3, 0, 0),
        ("page-quotes-00001.json", "quote"): ("loaded", 2, 2, 0, 0),
        ("page-line_items-00001.json", "order_line"): ("loaded", 2, 2, 0, 0),
        ("page-owners-00001.json", "owner"): ("loaded", 1, 1, 0, 0),
    }
    assert db.rejects() == []
    # A scheduled call is still to do; the call's disposition is a GUID over the API.
    assert db.rows(
        "activity",
        "source_id, customer_source_id, contact_source_id, opportunity_source_id, kind, "
        "subject, occurred_at, status, owner",
    ) == [
        ("30100000001", "9100000001", "61000000001", None, "call", "Point trimestriel",
         datetime(2026, 3, 2, 9, 30), "done", "41629779"),
        ("30100000002", None, None, "7300000001", "call", "Rappel planifié",
         datetime(2026, 3, 20, 14, 0), "open", "41629779"),
        ("30200000001", "9100000002", None, None, "task", "Envoyer CGV",
         datetime(2026, 3, 10, 8, 0), "open", "41629779"),
    ]  # fmt: skip
    # Default support pipeline: stage 2 waits on the contact, 4 is closed.
    assert db.rows(
        "ticket",
        "source_id, customer_source_id, contact_source_id, ticket_number, subject, status, "
        "priority, opened_at, closed_at, owner",
    ) == [
        ("40100000001", "9100000001", None, "40100000001", "Panne ligne 2", "open", "urgent",
         datetime(2026, 3, 3, 7, 15), None, "41629779"),
        ("40100000002", None, "61000000001", "40100000002", "Question facture", "pending", "low",
         datetime(2026, 2, 10, 10, 0), None, None),
        ("40100000003", "9100000002", None, "40100000003", "Accès portail", "closed", "medium",
         datetime(2026, 1, 5, 9, 0), datetime(2026, 1, 6, 16, 30), "41629779"),
    ]  # fmt: skip
    assert db.rows(
        "quote",
        "source_id, customer_source_id, opportunity_source_id, quote_number, status, "
        "issue_date, valid_until, amount_excl_tax, currency",
    ) == [
        ("50100000001", "9100000001", "7300000001", "20260301-093000123", "sent",
         date(2026, 3, 1), date(2026, 4, 30), Decimal("12000.50"), "EUR"),
        ("50100000002", "9100000002", None, "Devis options", "draft", date(2026, 3, 4), None,
         Decimal("800.00"), "EUR"),
    ]  # fmt: skip
    # The SKU, else the product id; a price with a fraction of a cent keeps it; the net
    # amount is HubSpot's, to the cent.
    assert db.rows(
        "order_line",
        "source_id, order_source_id, product_code, description, quantity, unit_price, "
        "discount_percent, amount_excl_tax, currency",
    ) == [
        ("60100000001", "7300000001", "HSK63", "Broche HSK-63", Decimal("4.0000"),
         Decimal("1250.0000"), Decimal("10.0000"), Decimal("4500.00"), "EUR"),
        ("60100000002", "7300000001", "1642737", "Forfait installation", Decimal("1.0000"),
         Decimal("850.1250"), None, Decimal("850.13"), "EUR"),
    ]  # fmt: skip
    assert db.rows("owner", "source_id, name, email, is_active") == [
        ("41629779", "Paul Girard", "paul.girard@atelier.fr", True)
    ]
