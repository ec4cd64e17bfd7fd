"""Turn API records into display tables: translated headers, amounts and dates formatted.

Pure functions (no ``st.*``); amounts are formatted from exact decimals, never floats.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd

from dashboard.i18n import (
    MISSING,
    column_label,
    format_amount,
    format_date,
    format_datetime,
    format_percent,
    format_siren,
    format_siret,
    to_decimal,
    value_label,
)

AMOUNT_SUFFIX = "_amount"
DATE_SUFFIXES = ("_date", "_at", "_on")
# Columns holding a source value people read in words (statuses, stages, kinds, buckets).
VALUE_NAMES = (
    "status",
    "stage",
    "kind",
    "event_type",
    "aging_bucket",
    "bucket",
    "severity",
    "role",
    "due_date_rule",
    "check_name",
    "object",
    "field",
    "match_rule",
    "reason",  # orphan reasons are codes; reject reasons are sentences, shown as they came
)
RATIO_NAMES = ("win_rate", "overdue_share", "credit_utilisation", "match_rate", "probability")


def _is_amount(name: str) -> bool:
    return name.endswith(AMOUNT_SUFFIX) or name.startswith("amount_") or name in ("amount", "total")


def _is_date(name: str) -> bool:
    return name.endswith(DATE_SUFFIXES) or name in ("date", "month")


def _is_ratio(name: str) -> bool:
    return name in RATIO_NAMES or name.endswith("_rate")


def is_numeric_column(name: str) -> bool:
    """A column of amounts, ratios, days or counts: right-aligned where it is drawn as HTML."""
    return (
        _is_amount(name)
        or _is_ratio(name)
        or name.startswith(("days_", "count"))
        or name.endswith(("_days", "_count"))
    )


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _cell(value: Any) -> Any:
    """Nested values as one readable cell: ``crm: 12 rue X · erp: 12, r. X``."""
    if isinstance(value, dict):
        return " · ".join(f"{k}: {_cell(v)}" for k, v in value.items())
    if isinstance(value, list):
        return " · ".join(str(_cell(v)) for v in value)
    return value


def display_frame(
    records: Iterable[dict[str, Any]],
    lang: str = "fr",
    columns: Sequence[str] | None = None,
    currency: str = "EUR",
) -> pd.DataFrame:
    """A DataFrame ready for ``st.dataframe``: formatted values, translated headers."""
    data = list(records)
    frame = pd.DataFrame(data)
    if columns is not None:
        frame = frame.reindex(columns=[c for c in columns if c in frame.columns])
    for name in frame.columns:
        if _is_amount(name):
            frame[name] = [
                format_amount(v, lang, (row.get("currency") or currency))
                for v, row in zip(frame[name], data, strict=False)
            ]
        elif name == "siren":
            frame[name] = [format_siren(v) for v in frame[name]]
        elif name == "siret":
            frame[name] = [format_siret(v) for v in frame[name]]
        elif name in VALUE_NAMES:
            frame[name] = [value_label(v, lang) for v in frame[name]]
        elif name == "month":
            frame[name] = [str(v)[:7] if v else "—" for v in frame[name]]
        elif name.endswith("_at"):
            frame[name] = [format_datetime(v, lang) for v in frame[name]]
        elif _is_date(name):
            frame[name] = [format_date(v, lang) for v in frame[name]]
        elif _is_ratio(name):
            frame[name] = [format_percent(v, lang) for v in frame[name]]
        else:
            # a column with blanks arrives as floats: 92.0 days are shown as 92
            cells = [
                MISSING
                if _blank(v)
                else int(v)
                if isinstance(v, float) and v.is_integer()
                else _cell(v)
                for v in frame[name]
            ]
            # a dash among numbers: one text column (Arrow refuses mixed types)
            if MISSING in cells:
                cells = [str(c) for c in cells]
            frame[name] = cells
    return frame.rename(columns={c: column_label(c, lang) for c in frame.columns})


def explode_nested(records: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per child when a record holds a list of objects (e.g. rejects → reasons).

    Parent fields are repeated; a child field whose name clashes is prefixed with the
    list's name (``reasons_count``).
    """
    out: list[dict[str, Any]] = []
    for record in records:
        nested = [
            k
            for k, v in record.items()
            if isinstance(v, list) and v and all(isinstance(x, dict) for x in v)
        ]
        if len(nested) != 1:
            out.append(record)
            continue
        key = nested[0]
        parent = {k: v for k, v in record.items() if k != key}
        for child in record[key]:
            row = dict(parent)
            for name, value in child.items():
                row[f"{key}_{name}" if name in parent else name] = value
            out.append(row)
    return out


def numeric(values: Iterable[Any]) -> list[float | None]:
    """Exact API amounts as plot coordinates (parsed via ``Decimal``)."""
    out: list[float | None] = []
    for value in values:
        number = to_decimal(value)
        out.append(None if number is None else float(number))
    return out


def numeric_frame(records: Iterable[dict[str, Any]], columns: Sequence[str]) -> pd.DataFrame:
    """A DataFrame for charts: ``columns`` converted from exact strings to numbers."""
    frame = pd.DataFrame(list(records))
    for name in columns:
        if name in frame.columns:
            frame[name] = numeric(frame[name])
    return frame
