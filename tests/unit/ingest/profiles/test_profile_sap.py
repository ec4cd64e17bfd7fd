"""SAP table extracts: tab-separated, leading zeros, YYYYMMDD / 00000000, S/H, trailing
minus, and an SE16N spreadsheet download in UTF-16LE."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tests.unit.ingest.profiles.conftest import Load

FIXTURES = Path(__file__).parents[4] / "tests" / "data" / "profiles"


def test_sap_profile(load: Load) -> None:
    db = load("sap")
    assert db.runs() == {
        ("BSAD.txt", "receivable_item"): ("loaded", 2, 2, 0, 0),
        ("BSID.txt", "receivable_item"): ("loaded", 2, 2, 0, 0),
        # the same files' incoming-payment lines (DZ, credit) are payments; the rest skipped
        ("BSAD.txt", "payment"): ("loaded", 2, 1, 0, 1),
        ("BSID.txt", "payment"): ("loaded", 2, 0, 0, 2),
        ("KNA1.txt", "customer"): ("loaded", 2, 2, 0, 0),
        # one VBAK file feeds quotes (VBTYP B) and orders (the rest)
        ("VBAK.txt", "quote"): ("loaded", 3, 1, 0, 2),
        ("VBAK.txt", "sales_order"): ("loaded", 3, 2, 0, 1),
        ("VBAP.txt", "order_line"): ("loaded", 1, 1, 0, 0),
        # the cancellation document (VBTYP N) is skipped; the cancelled invoice stays
        ("VBRK.txt", "invoice"): ("loaded", 4, 3, 0, 1),
    }
    assert db.rejects() == []
    assert db.rows(
        "customer",
        "source_id, customer_code, name, siren, siret, vat_number, phone, street, postcode, "
        "city, country, payment_terms_days, credit_limit_amount, created_at",
    ) == [
        ("0000100234", "0000100234", "ACME SAS", "732829320", "73282932000074",
         "FR44732829320", "+33142000000", "12 rue de la Paix", "75002", "Paris", "FR", 30,
         Decimal("50000.00"), datetime(2025, 1, 10)),
        ("0000100235", "0000100235", "Beta SARL", "404833048", None, None, None,
         "Rue du Port 3", "69001", "Lyon", "FR", 0, None, datetime(2025, 2, 1)),
    ]  # fmt: skip
    # amount = DMBTR × (S +1 / H −1); BSID open, BSAD cleared; due = ZFBDT + ZBD3T|2T|1T.
    assert db.rows(
        "receivable_item",
        "source_id, customer_source_id, kind, document_ref, posting_date, due_date, amount, "
        "amount_open, lettering, lettering_date",
    ) == [
        ("FR01/2025/0090000099/001", "0000100235", "invoice", "0090000099", date(2025, 12, 15),
         date(2026, 1, 29), Decimal("800.00"), Decimal("0.00"), "1400000077", date(2026, 1, 20)),
        ("FR01/2026/0090000123/001", "0000100234", "invoice", "0090000123", date(2026, 1, 5),
         date(2026, 2, 4), Decimal("12000.00"), Decimal("12000.00"), None, None),
        ("FR01/2026/0090000150/001", "0000100234", "credit_note", "0090000150",
         date(2026, 1, 10), date(2026, 1, 10), Decimal("-1234.56"), Decimal("-1234.56"), None,
         None),
        ("FR01/2026/1400000077/002", "0000100235", "payment", None, date(2026, 1, 20),
         date(2026, 1, 20), Decimal("-800.00"), Decimal("0.00"), "1400000077",
         date(2026, 1, 20)),
    ]  # fmt: skip
    assert db.rows(
        "quote", "source_id, customer_source_id, issue_date, valid_until, amount_excl_tax"
    ) == [("0020000001", "0000100234", date(2025, 11, 20), date(2025, 12, 31), Decimal("5000.00"))]
    assert db.rows("sales_order", "source_id, customer_source_id, status, order_date") == [
        ("0000012345", "0000100234", "confirmed", date(2026, 1, 5)),
        ("0000012346", "0000100235", "delivered", date(2025, 12, 1)),
    ]
    assert db.rows(
        "order_line",
        "source_id, order_source_id, line_number, product_code, quantity, unit_price, amount_excl_tax",
    ) == [
        ("0000012345/000010", "0000012345", 10, "000000000000004711", Decimal("10.0000"),
         Decimal("1000.0000"), Decimal("10000.00")),
    ]  # fmt: skip
    # VBTYP M invoice / O credit memo (amounts positive, kind gives the direction); FKSTO.
    assert db.rows(
        "invoice",
        "source_id, customer_source_id, kind, status, issue_date, amount_excl_tax, amount_incl_tax",
    ) == [
        ("0090000123", "0000100234", "invoice", "posted", date(2026, 1, 5), Decimal("10000.00"),
         Decimal("12000.00")),
        ("0090000150", "0000100234", "credit_note", "posted", date(2026, 1, 10),
         Decimal("1028.80"), Decimal("1234.56")),
        ("0090000160", "0000100234", "invoice", "cancelled", date(2026, 1, 11),
         Decimal("100.00"), Decimal("120.00")),
    ]  # fmt: skip


def test_sap_utf16_spreadsheet_download(load: Load) -> None:
    raw = (FIXTURES / "sap_utf16" / "BSID_download.txt").read_bytes()
    assert raw.startswith(b"\xff\xfeM\x00A\x00N\x00D\x00T\x00\t\x00")
    db = load("sap", "sap_utf16")
    assert db.runs() == {
        ("BSID_download.txt", "receivable_item"): ("loaded", 1, 1, 0, 0),
        ("BSID_download.txt", "payment"): ("loaded", 1, 0, 0, 1),  # an invoice, no payment
    }
    assert db.rows(
        "receivable_item",
        "source_id, customer_source_id, document_date, due_date, amount, amount_open",
    ) == [
        ("FR01/2026/0090000123/001", "0000100234", date(2026, 1, 5), date(2026, 2, 4),
         Decimal("12000.00"), Decimal("12000.00")),
    ]  # fmt: skip
