"""safe_cell: values that a spreadsheet would evaluate get a leading apostrophe."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from ingest.sanitize import safe_cell


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://evil.example","x")', '\'=HYPERLINK("http://evil.example","x")'),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(1+1)", "'@SUM(1+1)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("ACME SARL", "ACME SARL"),
        ("a=b", "a=b"),
        ("", ""),
        (None, ""),
        (Decimal("-12.50"), "-12.50"),
        (-3, "-3"),
        (True, "true"),
        (date(2026, 11, 28), "2026-11-28"),
    ],
)
def test_safe_cell(value: object, expected: str) -> None:
    assert safe_cell(value) == expected
