"""HubSpot index-page exports of engagements, tickets, quotes and line items (label headers)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tests.unit.ingest.profiles.conftest import Load

ACME, BETA, MARIE = "9100000001", "9100000002", "61000000001"


def test_hubspot_relationship_objects(load: Load) -> None:
    db = load("hubspot")
    assert db.runs() == {
        ("calls.csv", "activity"): ("loaded", 2, 2, 0, 0),
        ("emails.csv", "activity"): ("loaded", 1, 1, 0, 0),
        ("meetings.csv", "activity"): ("loaded", 3, 3, 0, 0),
        ("notes.csv", "activity"): ("loaded", 1, 1, 0, 0),
        ("tasks.csv", "activity"): ("loaded", 2, 2, 0, 0),
        ("tickets.csv", "ticket"): ("loaded", 4, 3, 1, 0),
        ("quotes.csv", "quote"): ("loaded", 3, 3, 0, 0),
        ("line_items.csv", "order_line"): ("loaded", 2, 2, 0, 0),
    }
    # A priority outside HubSpot's four is refused with the value named, not guessed.
    assert db.rejects() == [
        (
            "tickets.csv",
            5,
            "priority 'Critical' is not a known value (expected one of: high, low, medium, urgent)",
        )
    ]

    # The type is the export's; a multi-line call note does not split the row; a task is
    # open until Completed; a Canceled meeting is cancelled; a call without a company keeps
    # its contact (the build links it through the contact's company).
    assert db.rows(
        "activity",
        "source_id, customer_source_id, contact_source_id, kind, subject, occurred_at, status, "
        "outcome, owner",
    ) == [
        ("51000000001", ACME, MARIE, "call", "Relance devis Q1", datetime(2026, 3, 2, 10, 15),
         "done", "Connected", "Julie Martin"),
        ("51000000002", None, MARIE, "call", "Appel planifié", datetime(2026, 4, 20, 9, 0),
         "open", None, "Julie Martin"),
        ("52000000001", ACME, None, "meeting", "Revue annuelle", datetime(2026, 2, 10, 14, 0),
         "done", "Completed", "Julie Martin"),
        ("52000000002", ACME, None, "meeting", "Démo module B", datetime(2026, 4, 15, 10, 30),
         "open", "Scheduled", "Paul Durand"),
        ("52000000003", BETA, None, "meeting", "Point budget", datetime(2026, 3, 5, 11, 0),
         "cancelled", "Canceled", "Paul Durand"),
        ("53000000001", None, MARIE, "email", "Votre devis DEV-0042", datetime(2026, 3, 1, 8, 5),
         "done", "Sent", "Julie Martin"),
        ("54000000001", BETA, None, "note", "Client mécontent du délai de livraison",
         datetime(2026, 3, 3, 16, 20), "done", None, "Paul Durand"),
        ("55000000001", ACME, None, "task", "Envoyer conditions", datetime(2026, 3, 1, 9, 0),
         "open", None, "Julie Martin"),
        ("55000000002", ACME, None, "task", "Préparer contrat", datetime(2026, 2, 20, 9, 0),
         "done", None, "Julie Martin"),
    ]  # fmt: skip
    assert db.rows(
        "ticket",
        "source_id, customer_source_id, contact_source_id, subject, status, priority, owner, "
        "opened_at, closed_at",
    ) == [
        ("71000000001", ACME, None, "Panne serveur", "open", "urgent", "Paul Durand",
         datetime(2026, 3, 4, 7, 50), None),
        ("71000000002", None, MARIE, "Question facture", "pending", "low", "Paul Durand",
         datetime(2026, 2, 1, 10, 0), None),
        ("71000000003", BETA, None, "Accès portail", "closed", "medium", "Paul Durand",
         datetime(2026, 1, 10, 9, 0), datetime(2026, 1, 12, 17, 30)),
    ]  # fmt: skip
    # "Approval not needed" is a quote sent; a signed one is accepted; a draft without a
    # number is known by its name.
    assert db.rows(
        "quote",
        "source_id, customer_source_id, opportunity_source_id, quote_number, status, issue_date, "
        "valid_until, amount_excl_tax, currency, owner",
    ) == [
        ("81000000001", ACME, "41000000001", "20260301-1042", "sent", date(2026, 3, 1),
         date(2026, 4, 30), Decimal("25000.00"), "EUR", "Julie Martin"),
        ("81000000002", ACME, "41000000002", "20260115-1001", "accepted", date(2026, 1, 15),
         date(2026, 2, 15), Decimal("4800.50"), "EUR", "Julie Martin"),
        ("81000000003", BETA, None, "Devis brouillon", "draft", date(2026, 3, 5), None,
         Decimal("1200.00"),
         "EUR", "Paul Durand"),
    ]  # fmt: skip
    assert db.rows(
        "order_line",
        "source_id, order_source_id, product_code, description, quantity, unit_price, "
        "discount_percent, amount_excl_tax",
    ) == [
        ("91000000001", "41000000002", "LIC-100", "Licence annuelle", Decimal("10.0000"),
         Decimal("1250.0500"), Decimal("10.0000"), Decimal("11250.45")),
        ("91000000002", "41000000002", "SRV-7", "Formation", Decimal("2.0000"),
         Decimal("800.0000"), None, Decimal("1600.00")),
    ]  # fmt: skip
