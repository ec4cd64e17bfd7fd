"""Translations and locale-aware formatting of amounts, dates and legal identifiers.

Amounts, dates, days and alert titles follow ``kernel/locale_format.py`` (pure
formatting, standard library only), which the morning digest uses too: one rule for both.
Conventions (documented in ``dashboard/README.md``): French ``1 234,56 €`` and
``28/11/2026``; English ``€1,234.56`` and ``2026-11-28``; missing values ``—``.
Amounts come from the API as strings holding exact decimals, parsed with ``Decimal``.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from dashboard.strings import ALERT_DETAILS, COLUMNS, STRINGS, VALUES
from kernel import locale_format
from kernel.locale_format import (
    MISSING,
    NBSP,
    NNBSP,
    format_amount,
    format_date,
    format_days,
    format_number,
    format_percent,
    to_decimal,
)

# Re-exported: the pages import them from here.
__all__ = [
    "MISSING",
    "NBSP",
    "NNBSP",
    "format_amount",
    "format_date",
    "format_days",
    "format_number",
    "format_percent",
    "to_decimal",
]
BUILD_ID = re.compile(r"^(\d{8}T\d{6})\d*Z?$")


def t(key: str, lang: str = "fr", **kwargs: Any) -> str:
    """The UI string ``key`` in ``lang`` (falls back to English, then to the key)."""
    entry = STRINGS.get(key)
    if entry is None:
        return key
    text = entry.get(lang) or entry.get("en") or key
    return text.format(**kwargs) if kwargs else text


def alert_title(alert_type: str | None, message: str | None, lang: str = "fr") -> str:
    """A translated title for a known alert type, else the API's own message."""
    return locale_format.alert_title(alert_type, lang) or message or alert_type or ""


def alert_parts(
    alert: dict[str, Any], lang: str = "fr", currency: str | None = "EUR"
) -> tuple[str, str]:
    """An API alert as ``(title, detail)`` in ``lang``: the title names what was found, the
    detail adds only what the title does not say (amounts, numbers, dates in the locale's
    format; empty when the title says it all), so "title — detail" never repeats itself.
    A code not known here: the API's message (amounts formatted) and no detail."""
    kind = str(alert.get("alert_type") or "")
    title = locale_format.alert_title(kind, lang)
    if title is None:
        return format_message_amounts(alert.get("message"), lang) or kind, ""
    entry = ALERT_DETAILS.get(kind)
    template = (entry.get(lang) or entry.get("en") or "") if entry else ""
    return title, locale_format.fill_alert(template, alert, lang, currency) if template else ""


def alert_line(alert: dict[str, Any], lang: str = "fr", currency: str | None = "EUR") -> str:
    """``title — detail`` (or the title alone), as one line of text."""
    title, detail = alert_parts(alert, lang, currency)
    return f"{title} — {detail}" if detail else title


def bucket_label(bucket: Any, lang: str = "fr") -> str:
    """An aging bucket name (``not_due``, ``d1_30`` or ``1_30``, ``over_90``) for people."""
    key = str(bucket or "")
    key = f"d{key}" if key[:1].isdigit() else key
    return t(key, lang) if key in STRINGS else key


def column_label(name: str, lang: str = "fr") -> str:
    """A readable header for an API field name (translated when a string exists)."""
    for key in (name, name.removesuffix("_amount")):
        entry = COLUMNS.get(key) or STRINGS.get(key)
        if entry:
            return entry.get(lang) or entry.get("en") or key
    label = name.removesuffix("_amount").replace("_", " ").strip()
    return label[:1].upper() + label[1:]


def format_datetime(value: Any, lang: str = "fr") -> str:
    """ISO timestamp → ``28/11/2026 02:05`` (fr) / ``2026-11-28 02:05`` (en); dates as dates."""
    build = BUILD_ID.match(str(value or ""))
    if build:  # a snapshot's build id, YYYYMMDDTHHMMSSffffffZ (UTC)
        value = datetime.strptime(build.group(1), "%Y%m%dT%H%M%S")
    if isinstance(value, datetime):
        moment: datetime | None = value
    else:
        try:
            moment = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
        except ValueError:
            moment = None
    if moment is None or len(str(value).strip()) <= 10:
        return format_date(value, lang)
    return f"{format_date(moment, lang)} {moment:%H:%M}"


def _digits(value: Any) -> str:
    return "".join(ch for ch in str(value or "") if ch.isdigit())


def format_siren(value: Any) -> str:
    """``732829320`` → ``732 829 320``; anything that is not 9 digits is shown as is."""
    digits = _digits(value)
    if len(digits) != 9:
        return str(value) if value else MISSING
    return f"{digits[:3]} {digits[3:6]} {digits[6:]}"


def format_siret(value: Any) -> str:
    """``73282932000074`` → ``732 829 320 00074``; anything else is shown as is."""
    digits = _digits(value)
    if len(digits) != 14:
        return str(value) if value else MISSING
    return f"{format_siren(digits[:9])} {digits[9:]}"


def value_label(value: Any, lang: str = "fr") -> str:
    """A source value (status, stage, kind, bucket) in words: ``Closed Won`` → ``Gagnée``."""
    if value is None or value == "":
        return MISSING
    key = str(value).strip().lower().replace(" ", "_")
    entry = VALUES.get(key)
    return (entry.get(lang) or entry.get("en") or str(value)) if entry else str(value)


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+\-.!|~$])")


def md_escape(text: Any) -> str:
    """Text shown through Markdown as typed (source ids keep their underscores)."""
    return _MD_SPECIAL.sub(r"\\\1", str(text))


_RAW_AMOUNT = re.compile(r"(?<![\d.,])(-?\d+(?:\.\d{1,2})?) ?(EUR|USD|GBP|CHF|€)(?![A-Za-z])")


def format_message_amounts(text: Any, lang: str = "fr") -> str:
    """Amounts written raw in an API message (``165101.36 EUR``) in the locale's format."""

    def money(match: re.Match[str]) -> str:
        code = "EUR" if match.group(2) == "€" else match.group(2)
        return format_amount(match.group(1), lang, code)

    return _RAW_AMOUNT.sub(money, str(text or ""))
