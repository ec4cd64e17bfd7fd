"""Locale formatting of amounts, dates, percentages and French legal identifiers."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from dashboard.config import load_config
from dashboard.i18n import (
    MISSING,
    alert_title,
    bucket_label,
    column_label,
    format_amount,
    format_date,
    format_datetime,
    format_days,
    format_percent,
    format_siren,
    format_siret,
    t,
    to_decimal,
)
from dashboard.strings import STRINGS

NNBSP, NBSP = "\u202f", "\u00a0"


@pytest.mark.parametrize(
    ("value", "lang", "expected"),
    [
        ("1234.56", "fr", f"1{NNBSP}234,56{NBSP}€"),
        ("1234.56", "en", "€1,234.56"),
        (Decimal("-1234.5"), "fr", f"-1{NNBSP}234,50{NBSP}€"),
        ("-1234.5", "en", "-€1,234.50"),
        ("0", "fr", f"0,00{NBSP}€"),
        ("1234567890.125", "fr", f"1{NNBSP}234{NNBSP}567{NNBSP}890,13{NBSP}€"),
        (12, "en", "€12.00"),
        ("999.995", "en", "€1,000.00"),
    ],
)
def test_format_amount(value: object, lang: str, expected: str) -> None:
    assert format_amount(value, lang) == expected


def test_format_amount_fr_reads_as_french() -> None:
    assert format_amount("1234.56", "fr").replace(NNBSP, " ").replace(NBSP, " ") == "1 234,56 €"


@pytest.mark.parametrize("value", [None, "", "  ", "n/a", "NaN"])
def test_missing_amounts_show_a_dash(value: object) -> None:
    assert format_amount(value, "fr") == MISSING
    assert format_amount(value, "en") == MISSING


def test_other_currencies() -> None:
    assert format_amount("10", "fr", "USD") == f"10,00{NBSP}$"
    assert format_amount("10", "en", "CHF") == f"CHF{NBSP}10.00"


def test_amounts_are_exact_decimals() -> None:
    # 0.1 + 0.2 style errors must not leak: the string goes straight to Decimal
    assert to_decimal("0.30") == Decimal("0.30")
    assert format_amount("1000000000000000.01", "en") == "€1,000,000,000,000,000.01"


def test_format_date() -> None:
    assert format_date("2026-11-28", "fr") == "28/11/2026"
    assert format_date("2026-11-28", "en") == "2026-11-28"
    assert format_date(date(2026, 1, 5), "fr") == "05/01/2026"
    assert format_date("2026-11-28T10:15:00Z", "fr") == "28/11/2026"
    assert format_date(None, "fr") == MISSING
    assert format_datetime("2026-11-28T02:05:09+00:00", "fr") == "28/11/2026 02:05"
    assert format_datetime(datetime(2026, 11, 28, 2, 5), "en") == "2026-11-28 02:05"
    assert format_datetime("2026-11-28", "fr") == "28/11/2026"
    assert format_datetime("20261128T021000123456Z", "fr") == "28/11/2026 02:10"


def test_percent_and_days() -> None:
    assert format_percent(0.875, "fr") == f"87,5{NNBSP}%"
    assert format_percent("1.2", "en") == "120.0%"
    assert format_percent(None, "en") == MISSING
    assert format_days(12, "fr") == "12 j"
    assert format_days(None, "en") == MISSING


def test_legal_identifiers() -> None:
    assert format_siren("732829320") == "732 829 320"
    assert format_siret("73282932000074") == "732 829 320 00074"
    assert format_siret("732 829 320 00074") == "732 829 320 00074"
    assert format_siren(None) == MISSING
    assert format_siret("123") == "123"


def test_translations_complete_and_fallbacks() -> None:
    missing = [k for k, v in STRINGS.items() if not (v.get("fr") and v.get("en"))]
    assert missing == []
    assert t("sign_in", "fr") == "Se connecter"
    assert t("sign_in", "en") == "Sign in"
    assert t("unknown_key", "fr") == "unknown_key"
    assert t("results", "en", count=3) == "3 customer(s)"
    assert column_label("outstanding_amount", "fr") == "Encours"
    assert column_label("due_date", "en") == "Due"
    assert column_label("some_new_field", "en") == "Some new field"


def test_config_reads_only_its_two_variables() -> None:
    cfg = load_config({"C360_API_URL": "http://api:9000/", "C360_DASHBOARD__LANGUAGE": "EN"})
    assert (cfg.api_url, cfg.language) == ("http://api:9000", "en")
    default = load_config({})
    assert (default.api_url, default.language) == ("http://127.0.0.1:8360", "fr")
    assert load_config({"C360_DASHBOARD__LANGUAGE": "de"}).language == "fr"


def test_alert_titles_translate_known_types_only() -> None:
    assert (
        alert_title("credit_limit_exceeded", "Exposure 1 > 0", "fr") == "Plafond de crédit dépassé"
    )
    assert alert_title("brand_new_type", "Something happened", "fr") == "Something happened"
    assert alert_title(None, None, "en") == ""


def test_bucket_labels_accept_both_spellings() -> None:
    assert bucket_label("1_30", "fr") == bucket_label("d1_30", "fr") == "1–30 j"
    assert bucket_label("over_90", "en") == "> 90 d"
    assert bucket_label("later", "en") == "later"
