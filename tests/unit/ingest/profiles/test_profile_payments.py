"""Receipts: Sage X3 PAYMENTH / PAYMENTH+PAYMENTD extracts, Oracle AR_CASH_RECEIPTS_ALL."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tests.unit.ingest.profiles.conftest import Load


def test_sage_x3_receipts_and_allocations(load: Load) -> None:
    db = load("sage_x3", "sage_x3_payments")
    assert db.runs() == {
        ("PAYMENT_EXTRACT.csv", "payment"): ("loaded", 4, 3, 1, 0),
        ("PAYMENTH.csv", "payment"): ("loaded", 1, 1, 0, 0),
    }
    # The allocated amount is the one read (AMTLIN), so its error is the one named.
    assert db.rejects() == [("PAYMENT_EXTRACT.csv", 5, "amount '12,3x' is not a number")]
    # One row per allocation (NUM/LIN) naming the invoice it settles; a stand-alone header
    # is one receipt settling nothing named. Windows-1252, ';', decimal comma, dd/mm/yyyy.
    assert db.rows(
        "payment",
        "source_id, customer_source_id, payment_number, payment_date, amount, currency, "
        "invoice_ref, method",
    ) == [
        ("RCL2600012/1", "C0001", "RCL2600012", date(2026, 2, 15), Decimal("12000.00"), "EUR",
         "FAC2600001", "VIR"),
        ("RCL2600012/2", "C0001", "RCL2600012", date(2026, 2, 15), Decimal("1234.56"), "EUR",
         "FAC2600003", "VIR"),
        ("RCL2600013/1", "C0002", "RCL2600013", date(2026, 3, 1), Decimal("500.00"), "EUR",
         "FAC2600002", "CHQ"),
        ("RCL2600020", "C0003", "RCL2600020", date(2026, 3, 5), Decimal("2400.00"), "EUR", None,
         "LCR"),
    ]  # fmt: skip


def test_oracle_cash_receipts(load: Load) -> None:
    db = load("oracle_ebs", "oracle_ebs_receipts")
    # The reversed receipt is skipped.
    assert db.runs() == {("AR_CASH_RECEIPTS_ALL.csv", "payment"): ("loaded", 3, 2, 0, 1)}
    assert db.rejects() == []
    assert db.rows(
        "payment",
        "source_id, customer_source_id, payment_number, payment_date, amount, currency, "
        "invoice_ref, method",
    ) == [
        ("91001", "1040", "RCPT-2026-001", date(2026, 2, 12), Decimal("9000.00"), "EUR", None,
         "Bank Transfer"),
        ("91002", "1040", "RCPT-2026-002", date(2026, 2, 20), Decimal("1500.50"), "EUR", None,
         "Check"),
    ]  # fmt: skip
