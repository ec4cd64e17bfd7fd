"""Translations and locale-aware formatting of amounts, dates and legal identifiers.

Conventions (documented in ``dashboard/README.md``):

* French: ``1 234,56 €`` — narrow no-break space (U+202F) between thousands, comma for
  decimals, no-break space (U+00A0) before the currency symbol; dates ``28/11/2026``.
* English: ``€1,234.56``; dates in ISO ``2026-11-28`` (unambiguous for every reader).
* Missing values (``None``, empty text) show as an em dash ``—``.

Amounts come from the API as strings holding exact decimals; they are parsed with
``Decimal`` and never pass through ``float`` on their way to the screen.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from dashboard.strings import COLUMNS, STRINGS, VALUES

MISSING = "—"
NNBSP = "\u202f"  # narrow no-break space: French thousands separator
NBSP = "\u00a0"  # no-break space: between a French amount and its currency
SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£"}
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
    key = f"alert.{alert_type}"
    return t(key, lang) if key in STRINGS else (message or alert_type or "")


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


def to_decimal(value: Any) -> Decimal | None:
    """Parse an API amount (``"1234.56"``, int, Decimal) exactly; ``None`` when absent/invalid."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return value
    text = str(value).strip()
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _group(digits: str, sep: str) -> str:
    parts: list[str] = []
    while len(digits) > 3:
        parts.insert(0, digits[-3:])
        digits = digits[:-3]
    parts.insert(0, digits)
    return sep.join(parts)


def format_number(value: Any, lang: str = "fr", decimals: int = 2) -> str:
    """``1234.5`` → ``1 234,50`` (fr) / ``1,234.50`` (en)."""
    number = to_decimal(value)
    if number is None:
        return MISSING
    quantum = Decimal(1).scaleb(-decimals)
    number = number.quantize(quantum, rounding=ROUND_HALF_UP)
    sign = "-" if number < 0 else ""
    whole, _, frac = f"{abs(number):f}".partition(".")
    thousands, point = (NNBSP, ",") if lang == "fr" else (",", ".")
    text = _group(whole, thousands)
    if decimals > 0:
        text += point + frac
    return sign + text


def format_amount(value: Any, lang: str = "fr", currency: str = "EUR", decimals: int = 2) -> str:
    """``"1234.56"`` → ``1 234,56 €`` (fr) / ``€1,234.56`` (en); ``None`` → ``—``."""
    number = to_decimal(value)
    if number is None:
        return MISSING
    text = format_number(number, lang, decimals)
    code = (currency or "EUR").upper()
    symbol = SYMBOLS.get(code, code)
    if lang == "fr":
        return f"{text}{NBSP}{symbol}"
    sign, digits = ("-", text[1:]) if text.startswith("-") else ("", text)
    joiner = "" if code in SYMBOLS else NBSP
    return f"{sign}{symbol}{joiner}{digits}"


def format_percent(ratio: Any, lang: str = "fr", decimals: int = 1) -> str:
    """A ratio (``0.875``) as a percentage: ``87,5 %`` (fr) / ``87.5%`` (en)."""
    number = to_decimal(ratio)
    if number is None:
        return MISSING
    text = format_number(number * 100, lang, decimals)
    return f"{text}{NNBSP}%" if lang == "fr" else f"{text}%"


def _as_date(value: Any) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if len(text) < 10:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def format_date(value: Any, lang: str = "fr") -> str:
    """ISO date/timestamp → ``28/11/2026`` (fr) / ``2026-11-28`` (en)."""
    day = _as_date(value)
    if day is None:
        return MISSING if value in (None, "") else str(value)
    return day.strftime("%d/%m/%Y") if lang == "fr" else day.isoformat()


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


def format_days(value: Any, lang: str = "fr") -> str:
    """A number of days: ``12 j`` / ``12 days``."""
    if value is None or value == "":
        return MISSING
    try:
        days = int(value)
    except (TypeError, ValueError):
        return str(value)
    return t("days_suffix", lang, n=days)


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
