"""The one-page brief: an A4 PDF of one page holding the customer's name and outstanding."""

from __future__ import annotations

import re
import zlib
from typing import Any

import pytest

from dashboard.brief import build_brief
from dashboard.i18n import format_amount

# Shapes as the API returns them (GET /customers/{id} and its sub-lists).
PROFILE: dict[str, Any] = {
    "customer_id": "C0000049",
    "name": "Vignobles Letellier-Mary SARL",
    "customer_code": "C00054",
    "owner": "Sophie Bernard",
    "segment": "Grand compte",
    "legal": {"siren": "952285351", "siret": "95228535100013", "vat_number": "FR37952285351"},
    "coordinates": {"email": "accueil@vignobles.fr", "phone": "+33522162965",
                    "street": "465, boulevard Teixeira", "postcode": "12873", "city": "Honoré"},
    "terms": {"payment_terms_days": 30, "credit_limit_amount": "1000000.00", "currency": "EUR"},
    "financial": {
        "outstanding_amount": "256884.86", "overdue_amount": "256884.86",
        "oldest_overdue_days": 92, "credit_limit_amount": "1000000.00",
        "credit_exposure_amount": "256884.86", "open_orders_amount": "40000.00",
        "revenue_ytd_amount": "672266.07", "revenue_last_year_amount": "298308.03",
        "open_pipeline_amount": "40000.00",
        "aging": {"not_due": "0.00", "d1_30": "0.00", "d31_60": "30998.63",
                  "d61_90": "108938.11", "over_90": "116948.12"},
    },
    "alerts": [{"alert_type": "erp_only_customer", "severity": "low",
                "message": "Customer in the ERP but not in the CRM", "amount": None}],
    "last_order_date": "2026-09-05",
    "last_invoice_date": "2026-09-13",
    "snapshot": "20261206T053846170204Z",
}  # fmt: skip
ITEMS = [
    {"document_ref": "INV/2026/00532", "due_date": "2026-08-28", "days_overdue": 92,
     "amount_open": "116948.12", "amount_remaining": "116948.12"},
]  # fmt: skip


def _text(pdf: bytes) -> tuple[int, str]:
    """Page count and the text drawn (content streams inflated; TJ/Tj strings joined)."""
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
    chunks = []
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            chunks.append(zlib.decompress(stream))
        except zlib.error:
            chunks.append(stream)
    return pages, b"\n".join(chunks).decode("latin-1")


def _many(n: int, make: Any) -> list[dict[str, Any]]:
    return [make(i) for i in range(n)]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_brief_is_one_a4_page_with_name_and_outstanding(lang: str) -> None:
    pypdf = pytest.importorskip("pypdf", reason="pypdf reads the brief back")
    orders = _many(40, lambda i: {"order_number": f"S{i:05}", "status": "confirmed",
                                  "order_date": "2026-09-05", "amount_incl_tax": "1000.00"})  # fmt: skip
    opps = _many(40, lambda i: {"name": f"Deal {i}", "stage": "Contract Sent", "status": "open",
                                "amount": "5000.00", "close_date": "2026-12-31"})  # fmt: skip
    contacts = _many(30, lambda i: {"full_name": f"Contact {i}", "email": f"c{i}@x.fr"})
    timeline = _many(60, lambda i: {"event_date": "2026-09-13", "event_type": "invoice",
                                    "reference": f"INV/{i}", "status": "posted",
                                    "amount": "30998.63"})  # fmt: skip
    pdf = build_brief(PROFILE, ITEMS, orders, opps, contacts, timeline, lang)
    reader = pypdf.PdfReader(__import__("io").BytesIO(pdf))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)) == (210, 297)
    text = reader.pages[0].extract_text()
    assert "Vignobles Letellier-Mary SARL" in text
    outstanding = format_amount("256884.86", lang, "EUR")
    assert outstanding.replace("\u202f", " ").replace("\u00a0", " ") in (
        text.replace("\u202f", " ").replace("\u00a0", " ")
    )
    assert ("en retard" if lang == "fr" else "overdue") in text


def test_brief_without_pypdf_still_one_page() -> None:
    pdf = build_brief(PROFILE, ITEMS, [], [], [], [], "fr")
    assert pdf.startswith(b"%PDF")
    pages, _ = _text(pdf)
    assert pages == 1
