"""Amounts, dates and alert texts for people, in French or English: the one definition the
dashboard and the morning digest both use (standard library only, so the dashboard may
import it without pulling in the warehouse).

Conventions:

* French: ``1 234,56 €`` — narrow no-break space (U+202F) between thousands, comma for
  decimals, no-break space (U+00A0) before the currency symbol; dates ``28/11/2026``.
* English: ``€1,234.56``; dates in ISO ``2026-11-28`` (unambiguous for every reader).
* Missing values (``None``, empty text) show as an em dash ``—``.

Amounts are parsed with ``Decimal`` and never pass through ``float``.

Alerts are told from their code (``mart.alert.alert_type``) and parameters (amount,
reference, date, days, subject), never from the mart's English ``message``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

MISSING = "—"
NNBSP = "\u202f"  # narrow no-break space: French thousands separator
NBSP = "\u00a0"  # no-break space: between a French amount and its currency
SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£"}


def pick(pair: tuple[str, str], lang: str) -> str:
    """The French or English text of a ``(fr, en)`` pair (English for any other language)."""
    return pair[0] if lang == "fr" else pair[1]


def to_decimal(value: Any) -> Decimal | None:
    """Parse an amount (``"1234.56"``, int, Decimal) exactly; ``None`` when absent/invalid."""
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


def format_amount(
    value: Any, lang: str = "fr", currency: str | None = "EUR", decimals: int = 2
) -> str:
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


def as_date(value: Any) -> date | None:
    """A date from a date, a datetime or ISO text (``None`` when it is none of those)."""
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
    day = as_date(value)
    if day is None:
        return MISSING if value in (None, "") else str(value)
    return day.strftime("%d/%m/%Y") if lang == "fr" else day.isoformat()


DAYS = ("{n} j", "{n} days")


def format_days(value: Any, lang: str = "fr") -> str:
    """A number of days: ``12 j`` / ``12 days``."""
    if value is None or value == "":
        return MISSING
    try:
        days = int(value)
    except (TypeError, ValueError):
        return str(value)
    return pick(DAYS, lang).format(n=days)


# The title of each alert code, as the 360° screen, the worklist and the digest name it.
ALERT_TITLES: dict[str, tuple[str, str]] = {
    "overdue_before_offer": (
        "Retard de paiement alors qu'une offre est en cours",
        "Overdue while an offer is open",
    ),
    "credit_limit_exceeded": ("Plafond de crédit dépassé", "Credit limit exceeded"),
    "erp_only_customer": (
        "Client présent dans l'ERP mais pas dans le CRM",
        "Customer in the ERP but not in the CRM",
    ),
    "address_conflict": (
        "Adresses différentes selon les sources",
        "Addresses differ between sources",
    ),
    "order_cancelled_after_sync": (
        "Commande annulée après synchronisation",
        "Order cancelled after it was synchronised",
    ),
    "stale_source": ("Source non mise à jour", "Stale source"),
    "quote_unanswered": ("Devis sans réponse", "Quote unanswered"),
    "urgent_ticket": ("Ticket urgent", "Urgent ticket"),
}

# One finding of an alert in words, from its parameters, for every code mart.alert emits
# (tests/dashboard/test_alert_texts.py holds them to warehouse/sql/marts/alert.sql).
# {amount} is formatted money, {date} a formatted date, {days} a count, {subject} the
# source's own text, {fields} the address fields in words, {last_load} when a source
# last loaded.
ALERT_FACTS: dict[str, tuple[str, str]] = {
    "overdue_before_offer": (
        "{amount} en retard alors qu'une offre est en cours",
        "{amount} overdue while an offer is open",
    ),
    "credit_limit_exceeded": (
        "encours {amount} au-delà du plafond",  # amount: outstanding minus the limit
        "outstanding {amount} over the credit limit",
    ),
    "erp_only_customer": (
        "aucune fiche CRM ne correspond à ce client de l'ERP",
        "no CRM record matches this ERP customer",
    ),
    "address_conflict": (
        "les sources ne donnent pas la même adresse{fields}",
        "sources disagree on the address{fields}",
    ),
    "order_cancelled_after_sync": (
        "commande {reference} de {amount} annulée après sa synchronisation",
        "order {reference} for {amount} cancelled after it was synchronised",
    ),
    "quote_unanswered": (
        "devis {reference} de {amount} envoyé il y a {days} j, sans réponse",
        "quote {reference} for {amount} sent {days} days ago, unanswered",
    ),
    "urgent_ticket": (
        "ticket {reference}{subject} ouvert le {date}",
        "ticket {reference}{subject} open since {date}",
    ),
    "stale_source": ("source {reference} : {last_load}", "source {reference}: {last_load}"),
}
SUBJECT = (" « {subject} »", ' "{subject}"')
FIELDS = (" ({fields})", " ({fields})")
LAST_LOADED = ("dernier chargement le {date}", "last loaded on {date}")
NEVER_LOADED = ("jamais chargée", "never loaded")
# mart.alert's address fields (customer_conflict.field), named for people.
ADDRESS_FIELDS: dict[str, tuple[str, str]] = {
    "street": ("rue", "street"),
    "postcode": ("code postal", "postcode"),
    "city": ("ville", "city"),
}


def alert_title(alert_type: str | None, lang: str = "fr") -> str | None:
    """The title of a known alert code in ``lang``; ``None`` for a code not known here."""
    pair = ALERT_TITLES.get(alert_type or "")
    return pick(pair, lang) if pair else None


def _fields(reference: Any, lang: str) -> str:
    names = [n.strip() for n in str(reference or "").split(",") if n.strip()]
    if not names:
        return ""
    words = [pick(ADDRESS_FIELDS[n], lang) if n in ADDRESS_FIELDS else n for n in names]
    return pick(FIELDS, lang).format(fields=", ".join(words))


def alert_fact(
    alert_type: str, params: Mapping[str, Any], lang: str, currency: str | None
) -> str | None:
    """One finding of an alert (``mart.alert``'s parameters: amount, reference, since,
    age_days, subject) in words; ``None`` for a code not known here."""
    pair = ALERT_FACTS.get(alert_type)
    return None if pair is None else fill_alert(pick(pair, lang), params, lang, currency)


def fill_alert(template: str, params: Mapping[str, Any], lang: str, currency: str | None) -> str:
    """``template`` (the placeholders of ``ALERT_FACTS``, and ``{field_names}``: the
    address fields without brackets) filled from an alert's parameters."""
    subject = params.get("subject")
    since = params.get("since")
    last_load = pick(LAST_LOADED, lang).format(date=format_date(since, lang)) if since else None
    fields = _fields(params.get("reference"), lang)
    return template.format(
        reference=params.get("reference") or MISSING,
        amount=format_amount(params.get("amount"), lang, currency),
        days=params.get("age_days") if params.get("age_days") is not None else MISSING,
        date=format_date(since, lang),
        subject=pick(SUBJECT, lang).format(subject=subject) if subject else "",
        fields=fields,
        field_names=fields.strip().removeprefix("(").removesuffix(")"),
        last_load=last_load or pick(NEVER_LOADED, lang),
    )
