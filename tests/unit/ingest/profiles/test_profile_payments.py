"""Receipts in each vendor's payment extract: Sage X3 PAYMENTH / PAYMENTH+PAYMENTD, Oracle
AR_CASH_RECEIPTS_ALL and AR_RECEIPT_APPLICATIONS, and the generic payment file in English
and in French. One row per table entry: the runs, the rejects and every payment staged."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from tests.unit.ingest.profiles.conftest import Load

PAYMENT = (
    "source_id, customer_source_id, payment_number, payment_date, amount, currency, "
    "invoice_ref, method"
)
Runs = dict[tuple[str, str], tuple[str, int, int, int, int]]

# Per extract: (system, fixture folder, (file, object) → (status, read, loaded, rejected,
# skipped), the rejects, the payments staged).
RECEIPTS: dict[str, tuple[str, str, Runs, list[tuple[str, int, str]], list[tuple[Any, ...]]]] = {
    # One row per allocation (NUM/LIN) naming the invoice it settles; a stand-alone header
    # is one receipt settling nothing named. Windows-1252, ';', decimal comma, dd/mm/yyyy.
    # The allocated amount is the one read (AMTLIN), so its error is the one named.
    "sage_x3": ("sage_x3", "sage_x3_payments", {
        ("PAYMENT_EXTRACT.csv", "payment"): ("loaded", 4, 3, 1, 0),
        ("PAYMENTH.csv", "payment"): ("loaded", 1, 1, 0, 0),
    }, [("PAYMENT_EXTRACT.csv", 5, "amount '12,3x' is not a number")], [
        ("RCL2600012/1", "C0001", "RCL2600012", date(2026, 2, 15), Decimal("12000.00"), "EUR",
         "FAC2600001", "VIR"),
        ("RCL2600012/2", "C0001", "RCL2600012", date(2026, 2, 15), Decimal("1234.56"), "EUR",
         "FAC2600003", "VIR"),
        ("RCL2600013/1", "C0002", "RCL2600013", date(2026, 3, 1), Decimal("500.00"), "EUR",
         "FAC2600002", "CHQ"),
        ("RCL2600020", "C0003", "RCL2600020", date(2026, 3, 5), Decimal("2400.00"), "EUR", None,
         "LCR"),
    ]),
    # The reversed receipt is skipped.
    "oracle_cash_receipts": ("oracle_ebs", "oracle_ebs_receipts", {
        ("AR_CASH_RECEIPTS_ALL.csv", "payment"): ("loaded", 3, 2, 0, 1),
    }, [], [
        ("91001", "1040", "RCPT-2026-001", date(2026, 2, 12), Decimal("9000.00"), "EUR", None,
         "Bank Transfer"),
        ("91002", "1040", "RCPT-2026-002", date(2026, 2, 20), Decimal("1500.50"), "EUR", None,
         "Check"),
    ]),
    # One row per application: the amount applied and the invoice (its number, else its
    # CUSTOMER_TRX_ID); on account (ACC) names none; an unapplied receipt keeps its amount.
    # The reversed receipt is skipped; the unreadable amount applied is rejected.
    "oracle_applications": ("oracle_ebs", "oracle_ebs_applications", {
        ("AR_RECEIPT_APPLICATIONS.csv", "payment"): ("loaded", 8, 6, 1, 1),
        ("HZ_CUST_ACCOUNTS.csv", "customer"): ("loaded", 2, 2, 0, 0),
        ("RA_CUSTOMER_TRX_ALL.csv", "invoice"): ("loaded", 4, 4, 0, 0),
    }, [("AR_RECEIPT_APPLICATIONS.csv", 9, "amount_applied '8O.00' is not a number")], [
        ("92001/81001", "1050", "RCPT-2026-101", date(2026, 2, 3), Decimal("1000.00"), "EUR",
         "INV-2001", "Bank Transfer"),
        ("92001/81002", "1050", "RCPT-2026-101", date(2026, 2, 3), Decimal("2500.75"), "EUR",
         "INV-2002", "Bank Transfer"),
        ("92002/81003", "1050", "RCPT-2026-102", date(2026, 2, 20), Decimal("500.00"), "EUR",
         "INV-2003", "Check"),
        ("92002/81004", "1050", "RCPT-2026-102", date(2026, 2, 20), Decimal("200.00"), "EUR",
         None, "Check"),
        ("92003/81005", "1051", "RCPT-2026-103", date(2026, 3, 10), Decimal("450.00"), "EUR",
         "600004", "Bank Transfer"),
        ("92004", "1051", "RCPT-2026-104", date(2026, 3, 12), Decimal("120.50"), "EUR", None,
         "Check"),
    ]),
    # English: ',' and ISO dates. French: ';', Windows-1252, dd/mm/yyyy, "1 234,56".
    # Several invoices (',' or ';' between them) are ';'-joined; blank = on account.
    "generic": ("generic", "generic_payments", {
        ("customers.csv", "customer"): ("loaded", 3, 3, 0, 0),
        ("invoices.csv", "invoice"): ("loaded", 5, 5, 0, 0),
        ("payments.csv", "payment"): ("loaded", 4, 3, 1, 0),
        ("reglements.csv", "payment"): ("loaded", 2, 2, 0, 0),
    }, [("payments.csv", 5, "amount 'abc' is not a number")], [
        ("PAY-001", "CUST-1", "PAY-001", date(2026, 2, 10), Decimal("1500.00"), "EUR",
         "INV-001", "transfer"),
        ("PAY-002", "CUST-1", "PAY-002", date(2026, 3, 1), Decimal("2000.50"), "EUR",
         "INV-002;INV-003", "card"),
        ("PAY-003", "CUST-2", "PAY-003", date(2026, 3, 5), Decimal("99.99"), "EUR", None,
         "cheque"),
        ("RG-2026-01", "C-10", "RG-2026-01", date(2026, 1, 15), Decimal("1234.56"), "EUR",
         "FA-100;FA-101", "Virement"),
        ("RG-2026-02", "C-10", "RG-2026-02", date(2026, 2, 28), Decimal("500.00"), "EUR", None,
         "Chèque"),
    ]),
}  # fmt: skip


@pytest.mark.parametrize("extract", RECEIPTS)
def test_receipts_in_the_vendor_extract(load: Load, extract: str) -> None:
    system, folder, runs, rejects, payments = RECEIPTS[extract]
    db = load(system, folder)
    assert db.runs() == runs
    assert db.rejects() == rejects
    assert db.rows("payment", PAYMENT) == payments
