"""The finance worklist: every overdue customer (all API pages), filtered, sorted, totalled,
and exported to CSV or XLSX exactly as shown.

Pure functions (no ``st.*``) so the filters, totals and exports are tested without a
browser. Amounts stay ``Decimal`` from the API's exact strings to the exported cell.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from dashboard.i18n import column_label, t, to_decimal, value_label

PAGE_SIZE = 200  # the API's largest page
MAX_ROWS = 50_000  # beyond this the list asks for narrower filters rather than load more
BUCKETS = ("1_30", "31_60", "61_90", "over_90")
COLUMNS = (
    "name",
    "owner",
    "segment",
    "bucket",
    "oldest_overdue_days",
    "overdue_amount",
    "outstanding_amount",
)
AMOUNTS = ("overdue_amount", "outstanding_amount", "credit_limit_amount")
# OWASP CSV injection: a cell starting with one of these is read as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Filters:
    owner: str | None = None
    segment: str | None = None
    bucket: str | None = None
    min_amount: Decimal | None = None


def load_all(
    fetch_page: Callable[[str | None], dict[str, Any] | None], max_rows: int = MAX_ROWS
) -> tuple[list[dict[str, Any]], bool]:
    """Follow the API's cursor to the end; ``(rows, truncated)``."""
    out: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        page = fetch_page(cursor)
        if not page:
            return out, False
        out.extend(r for r in page.get("data") or [] if isinstance(r, dict))
        cursor = page.get("next_cursor")
        if not cursor:
            return out, False
        if len(out) >= max_rows:
            return out[:max_rows], True


def bucket_of(days: Any) -> str | None:
    """The aging bucket of a customer's oldest overdue item (days late)."""
    if not isinstance(days, int) or days <= 0:
        return None
    if days <= 30:
        return "1_30"
    if days <= 60:
        return "31_60"
    if days <= 90:
        return "61_90"
    return "over_90"


def prepare(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """API rows with the bucket added and amounts parsed to ``Decimal``."""
    out = []
    for row in rows:
        item = dict(row)
        item["bucket"] = bucket_of(row.get("oldest_overdue_days"))
        for name in AMOUNTS:
            item[name] = to_decimal(row.get(name))
        out.append(item)
    return out


def apply(rows: Iterable[dict[str, Any]], f: Filters) -> list[dict[str, Any]]:
    def keep(r: dict[str, Any]) -> bool:
        if f.owner and r.get("owner") != f.owner:
            return False
        if f.segment and r.get("segment") != f.segment:
            return False
        if f.bucket and r.get("bucket") != f.bucket:
            return False
        return not (f.min_amount is not None and (r.get("overdue_amount") or 0) < f.min_amount)

    return [r for r in rows if keep(r)]


def sort(rows: list[dict[str, Any]], column: str, descending: bool) -> list[dict[str, Any]]:
    """Sorted by ``column`` (blanks last whatever the direction), then by name."""
    present = [r for r in rows if r.get(column) is not None]
    blank = [r for r in rows if r.get(column) is None]
    present.sort(key=lambda r: str(r.get("name") or ""))
    present.sort(key=lambda r: _key(r.get(column)), reverse=descending)
    return present + blank


def _key(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


def totals(rows: Sequence[dict[str, Any]]) -> dict[str, Decimal]:
    return {name: sum((r.get(name) or Decimal(0) for r in rows), Decimal(0)) for name in AMOUNTS}


def safe_text(value: Any) -> Any:
    """A text cell a spreadsheet can never run: a leading formula character gets ``'``."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _cells(row: dict[str, Any], lang: str) -> list[Any]:
    cells: list[Any] = []
    for name in COLUMNS:
        value = row.get(name)
        if name == "bucket":
            value = value_label(value, lang) if value else ""
        cells.append(value if isinstance(value, Decimal | int) else safe_text(value or ""))
    return cells


def headers(lang: str) -> list[str]:
    return [t("bucket_filter", lang) if c == "bucket" else column_label(c, lang) for c in COLUMNS]


def _plain(amount: Decimal, lang: str) -> str:
    """An amount a spreadsheet reads as a number: no thousands separator, locale decimal."""
    text = f"{amount.quantize(Decimal('0.01')):f}"
    return text.replace(".", ",") if lang == "fr" else text


def to_csv(rows: Sequence[dict[str, Any]], lang: str) -> bytes:
    """UTF-8 (with BOM, for Excel) CSV; French: ``;`` and decimal comma, English: ``,``/``.``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";" if lang == "fr" else ",", lineterminator="\r\n")
    writer.writerow([safe_text(h) for h in headers(lang)])
    for row in rows:
        writer.writerow(
            [_plain(c, lang) if isinstance(c, Decimal) else c for c in _cells(row, lang)]
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(rows: Sequence[dict[str, Any]], lang: str) -> bytes:
    """One sheet; amounts are numeric cells to the cent, every text cell is a string."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = t("overdue_list", lang)[:31]
    sheet.append([safe_text(h) for h in headers(lang)])
    for row in rows:
        sheet.append(_cells(row, lang))
    for line in sheet.iter_rows(min_row=1):
        for cell in line:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never "f", whatever the text
            elif isinstance(cell.value, Decimal | float):
                cell.number_format = "#,##0.00"
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
