"""Making stored text safe to open in a spreadsheet (CSV/Excel formula injection).

c360 stores values exactly as received ("=HYPERLINK(...)" stays that text in staging and
in meta.reject). Only when a value leaves for a CSV or Excel file does it need a guard:
a cell starting with = + - @ (or tab / carriage return, which some spreadsheet apps
strip before evaluating) would be run as a formula. The API and dashboard exports call
`safe_cell` on every text cell.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """The text of `value` for a CSV/Excel cell, prefixed with ' when it could be a formula.

    Numbers and dates are not text and are never prefixed (-12.50 stays a number).
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | Decimal | date | datetime):
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text
