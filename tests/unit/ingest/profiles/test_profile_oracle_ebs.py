"""Oracle EBS extracts: TCA accounts, AR_PAYMENT_SCHEDULES_ALL, RA_CUSTOMER_TRX_ALL,
OE_ORDER_HEADERS_ALL; dates DD-MON-YYYY."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tests.unit.ingest.profiles.conftest import Load


def test_oracle_ebs_profile(load: Load) -> None:
    db = load("oracle_ebs")
    assert db.runs() == {
        ("AR_PAYMENT_SCHEDULES_ALL.csv", "receivable_item"): ("loaded", 4, 4, 0, 0),
        ("HZ_CUST_ACCOUNTS.csv", "customer"): ("loaded", 2, 2, 0, 0),
        ("OE_ORDER_HEADERS_ALL.csv", "sales_order"): ("loaded", 4, 4, 0, 0),
        # the deposit (DEP) is out of the invoice object's scope
        ("RA_CUSTOMER_TRX_ALL.csv", "invoice"): ("loaded", 3, 2, 0, 1),
    }
    assert db.rejects() == []
    assert db.rows(
        "customer",
        "source_id, customer_code, name, siren, siret, vat_number, street, city, "
        "credit_limit_amount, created_at, updated_at",
    ) == [
        ("1040", "10001", "ACME SAS", "732829320", "73282932000074", "FR44732829320",
         "12 rue de la Paix", "Paris", Decimal("50000.00"), datetime(2025, 1, 10),
         datetime(2026, 3, 2)),
        ("1041", "10002", "Beta SARL", "404833048", None, None, None, "Lyon", None,
         datetime(2025, 2, 1), datetime(2026, 1, 15)),
    ]  # fmt: skip
    # Signed as stored; STATUS CL → nothing open.
    assert db.rows(
        "receivable_item",
        "source_id, customer_source_id, kind, document_ref, document_date, due_date, amount, "
        "amount_open",
    ) == [
        ("300001", "1040", "invoice", "INV-1001", date(2026, 1, 5), date(2026, 2, 4),
         Decimal("12000.00"), Decimal("9000.00")),
        ("300002", "1040", "credit_note", "CM-1001", date(2026, 1, 10), date(2026, 1, 10),
         Decimal("-600.00"), Decimal("-600.00")),
        ("300003", "1041", "payment", "RCPT-77", date(2026, 1, 20), date(2026, 1, 20),
         Decimal("-800.00"), Decimal("0.00")),
        ("300004", "1041", "invoice", "INV-0999", date(2025, 12, 15), date(2026, 1, 14),
         Decimal("800.00"), Decimal("0.00")),
    ]  # fmt: skip
    assert db.rows("sales_order", "source_id, customer_source_id, status, order_date") == [
        ("66001", "1040", "confirmed", date(2026, 1, 4)),
        ("66002", "1041", "invoiced", date(2025, 12, 20)),
        ("66003", "1041", "draft", date(2025, 12, 21)),
        ("66004", "1041", "cancelled", date(2025, 12, 22)),
    ]
    assert db.rows(
        "invoice",
        "source_id, invoice_number, kind, status, order_ref, issue_date, due_date, "
        "amount_incl_tax, amount_open",
    ) == [
        ("500001", "INV-1001", "invoice", "posted", "66001", date(2026, 1, 5), date(2026, 2, 4),
         Decimal("12000.00"), Decimal("9000.00")),
        ("500002", "CM-1001", "credit_note", "posted", None, date(2026, 1, 10),
         date(2026, 1, 10), Decimal("600.00"), Decimal("600.00")),
    ]  # fmt: skip
