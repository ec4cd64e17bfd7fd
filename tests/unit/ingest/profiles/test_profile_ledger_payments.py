"""Payments from the ledgers: SAP BSID/BSAD incoming-payment lines and FEC treasury lines
(the bank side of receipts). The payment extracts (generic, Oracle applications) are in
test_profile_payments.py."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tests.unit.ingest.profiles.conftest import Load

PAYMENT = (
    "source_id, customer_source_id, payment_number, payment_date, amount, currency, "
    "invoice_ref, method"
)


def test_sap_incoming_payment_lines(load: Load) -> None:
    db = load("sap", "sap_payments")
    # Tab-separated downloads, CRLF, decimal comma with a trailing minus, DATS dates. The
    # DZ credit lines are payments; invoices and the credit memo are skipped by `payment`.
    assert db.runs() == {
        ("BSAD.txt", "receivable_item"): ("loaded", 8, 8, 0, 0),
        ("BSAD.txt", "payment"): ("loaded", 8, 3, 0, 5),
        ("BSID.txt", "receivable_item"): ("loaded", 4, 3, 1, 0),
        ("BSID.txt", "payment"): ("loaded", 4, 2, 1, 1),
        ("KNA1.txt", "customer"): ("loaded", 2, 2, 0, 0),
    }
    # The unreadable amount rejects the line as an item and as a payment.
    assert db.rejects() == [
        ("BSID.txt", 5, "dmbtr '12,3x-' is not a number"),
        ("BSID.txt", 5, "dmbtr '12,3x-' is not a number"),
    ]
    # invoice_ref here is REBZG only (a partial payment's invoice document); the invoices
    # a payment cleared are found in the warehouse (tests/integration/test_ledger_payments).
    assert db.rows("payment", PAYMENT) == [
        ("FR01/2026/1400000201/001", "0000200001", "1400000201", date(2026, 1, 30),
         Decimal("3600.00"), "EUR", None, "T"),
        ("FR01/2026/1400000210/001", "0000200001", "1400000210", date(2026, 2, 15),
         Decimal("400.00"), "EUR", "0090000203", "C"),
        ("FR01/2026/1400000220/001", "0000200001", "1400000220", date(2026, 3, 20),
         Decimal("600.00"), "EUR", None, "T"),
        ("FR01/2026/1400000230/001", "0000200002", "1400000230", date(2026, 3, 25),
         Decimal("1000.00"), "EUR", "0090000303", "T"),
        ("FR01/2026/1400000240/001", "0000200002", "1400000240", date(2026, 4, 2),
         Decimal("250.50"), "EUR", None, None),
    ]  # fmt: skip
    # The payment lines are receivable items too (kind payment), with their clearing.
    assert db.rows(
        "receivable_item",
        "source_id, kind, amount, amount_open, lettering, lettering_date",
    ) == [
        ("FR01/2026/0090000201/001", "invoice", Decimal("1200.00"), Decimal("0.00"),
         "1400000201", date(2026, 1, 30)),
        ("FR01/2026/0090000202/001", "invoice", Decimal("2400.00"), Decimal("0.00"),
         "1400000201", date(2026, 1, 30)),
        ("FR01/2026/0090000203/001", "invoice", Decimal("1000.00"), Decimal("0.00"),
         "1400000220", date(2026, 3, 20)),
        ("FR01/2026/0090000301/001", "invoice", Decimal("500.00"), Decimal("0.00"),
         "0100000050", date(2026, 3, 10)),
        ("FR01/2026/0090000302/001", "credit_note", Decimal("-500.00"), Decimal("0.00"),
         "0100000050", date(2026, 3, 10)),
        ("FR01/2026/0090000303/001", "invoice", Decimal("3000.00"), Decimal("3000.00"), None,
         None),
        ("FR01/2026/1400000201/001", "payment", Decimal("-3600.00"), Decimal("0.00"),
         "1400000201", date(2026, 1, 30)),
        ("FR01/2026/1400000210/001", "payment", Decimal("-400.00"), Decimal("0.00"),
         "1400000220", date(2026, 3, 20)),
        ("FR01/2026/1400000220/001", "payment", Decimal("-600.00"), Decimal("0.00"),
         "1400000220", date(2026, 3, 20)),
        ("FR01/2026/1400000230/001", "payment", Decimal("-1000.00"), Decimal("-1000.00"), None,
         None),
        ("FR01/2026/1400000240/001", "payment", Decimal("-250.50"), Decimal("-250.50"), None,
         None),
    ]  # fmt: skip


def test_fec_receivable_and_treasury_lines(load: Load) -> None:
    db = load("fec", "fec_payments")
    # March: tab, Windows-1252, CRLF. April: pipe, UTF-8 with BOM, a trailing separator,
    # padded journal codes and zero-padded amounts. 20 + 7 lines, each file read once per
    # object: 13 on 411/416, 11 on 51x/53x or 7xx, the VAT lines in neither.
    assert db.runs() == {
        ("123456789FEC20260331.txt", "customer"): ("loaded", 20, 0, 0, 20),
        ("123456789FEC20260331.txt", "ledger_line"): ("loaded", 20, 8, 0, 12),
        ("123456789FEC20260331.txt", "receivable_item"): ("loaded", 20, 10, 0, 10),
        ("123456789FEC20260430.txt", "customer"): ("loaded", 7, 2, 0, 5),
        ("123456789FEC20260430.txt", "ledger_line"): ("loaded", 7, 3, 0, 4),
        ("123456789FEC20260430.txt", "receivable_item"): ("loaded", 7, 3, 0, 4),
    }
    assert db.rejects() == []
    # The treasury lines: the bank side of each receipt (cheques to cash on 5112, cash 53).
    assert db.con.execute(
        "select journal, entry_number, account, document_ref, posting_date, amount "
        "from staging.ledger_line where account not like '7%' order by posting_date"
    ).fetchall() == [
        ("BQ1", "1", "512000", "VIR0130", date(2026, 1, 30), Decimal("1800.00")),
        ("BQ1", "2", "511200", "CHQ0215", date(2026, 2, 15), Decimal("400.00")),
        ("BQ1", "3", "512000", "VIR0320", date(2026, 3, 20), Decimal("300.00")),
        ("BQ1", "4", "512000", "VIR0420", date(2026, 4, 20), Decimal("900.00")),
        ("CA", "1", "530000", "ESP0428", date(2026, 4, 28), Decimal("50.25")),
    ]
    # The customer lines with their letters: AA (two invoices, one transfer), ab (partial),
    # AC (an invoice and its credit note), AD; the March transfer and the cash unlettered;
    # the OD moving MARTIN's debt to 416 is a 411 credit outside the sales journal.
    assert db.con.execute(
        "select journal || '/' || entry_number, customer_source_id, account, document_ref, "
        "kind, amount, lettering, lettering_date from staging.receivable_item "
        "order by posting_date, journal, amount"
    ).fetchall() == [
        ("VE/1", "C001", "411000", "F2601", "invoice", Decimal("1200.00"), "AA",
         date(2026, 2, 10)),
        ("VE/2", "C001", "411000", "F2602", "invoice", Decimal("600.00"), "AA",
         date(2026, 2, 10)),
        ("BQ1/1", "C001", "411000", "VIR0130", "payment", Decimal("-1800.00"), "AA",
         date(2026, 2, 10)),
        ("VE/3", "C001", "411000", "F2603", "invoice", Decimal("1000.00"), "ab",
         date(2026, 2, 16)),
        ("BQ1/2", "C001", "411000", "CHQ0215", "payment", Decimal("-400.00"), "ab",
         date(2026, 2, 16)),
        ("VE/4", "C002", "411000", "F2604", "invoice", Decimal("500.00"), "AC",
         date(2026, 3, 6)),
        ("VE/5", "C002", "411000", "AV2601", "credit_note", Decimal("-500.00"), "AC",
         date(2026, 3, 6)),
        ("BQ1/3", "C002", "411000", "VIR0320", "payment", Decimal("-300.00"), None, None),
        ("OD/1", "C002", "411000", "OD0325", "payment", Decimal("-200.00"), None, None),
        ("OD/1", "C002", "416000", "OD0325", "invoice", Decimal("200.00"), None, None),
        ("VE/6", "C002", "411000", "F2605", "invoice", Decimal("900.00"), "AD",
         date(2026, 4, 25)),
        ("BQ1/4", "C002", "411000", "VIR0420", "payment", Decimal("-900.00"), "AD",
         date(2026, 4, 25)),
        ("CA/1", "C001", "411000", "ESP0428", "payment", Decimal("-50.25"), None, None),
    ]  # fmt: skip
