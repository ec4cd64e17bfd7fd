"""Every alert code mart.alert can emit has a title and a finding in French and English,
told from the alert's parameters with the locale's amounts and dates (the dashboard and
the digest share these texts: kernel/locale_format.py); the API's alerts carry those
parameters, so no French reader is shown the mart's English `message`."""

from __future__ import annotations

import re
from pathlib import Path

import httpx

from dashboard.i18n import alert_parts
from kernel.locale_format import ALERT_FACTS, ALERT_TITLES, alert_fact, alert_title

ALERT_SQL = Path(__file__).resolve().parents[2] / "warehouse" / "sql" / "marts" / "alert.sql"


def _emitted() -> set[str]:
    return set(re.findall(r"'(\w+)' as alert_type", ALERT_SQL.read_text(encoding="utf-8")))


def test_every_emitted_alert_code_has_french_and_english_texts() -> None:
    codes = _emitted()
    assert len(codes) >= 8, codes  # the parse found the mart's findings
    assert codes <= set(ALERT_TITLES) and codes <= set(ALERT_FACTS)
    params = {"amount": "1234.5", "reference": "X-1", "since": "2026-11-02", "age_days": 40}
    for code in codes:
        fr, en = alert_title(code, "fr"), alert_title(code, "en")
        assert fr and en and fr != en, code
        fact_fr, fact_en = (
            alert_fact(code, params, "fr", "EUR"),
            alert_fact(code, params, "en", "EUR"),
        )
        assert fact_fr and fact_en and fact_fr != fact_en, code
        for text in (fact_fr, fact_en):
            assert "{" not in text and "1234.5" not in text and "2026-11-02 " not in text, text


def test_amounts_dates_and_words_follow_the_locale() -> None:
    quote = {"amount": "12400", "reference": "DEV-0042", "since": "2026-10-01", "age_days": 58}
    assert alert_fact("quote_unanswered", quote, "fr", "EUR") == (
        "devis DEV-0042 de 12\u202f400,00\u00a0€ envoyé il y a 58 j, sans réponse"
    )
    assert alert_fact("quote_unanswered", quote, "en", "EUR") == (
        "quote DEV-0042 for €12,400.00 sent 58 days ago, unanswered"
    )
    ticket = {"reference": "T-7", "since": "2026-11-02", "subject": "Panne_ligne 2"}
    assert alert_fact("urgent_ticket", ticket, "fr", "EUR") == (
        "ticket T-7 « Panne_ligne 2 » ouvert le 02/11/2026"
    )
    assert alert_fact("urgent_ticket", ticket, "en", "EUR") == (
        'ticket T-7 "Panne_ligne 2" open since 2026-11-02'
    )
    overdue = {"amount": "165101.36"}
    assert alert_fact("overdue_before_offer", overdue, "fr", "EUR") == (
        "165\u202f101,36\u00a0€ en retard alors qu'une offre est en cours"
    )
    conflict = {"reference": "city,street"}
    fact = alert_fact("address_conflict", conflict, "fr", None)
    assert fact is not None and fact.endswith("(ville, rue)")
    assert alert_fact("address_conflict", {}, "en", None) == "sources disagree on the address"
    assert alert_fact("stale_source", {"reference": "erp"}, "fr", None) == (
        "source erp : jamais chargée"
    )
    stale = {"reference": "crm", "since": "2026-11-20"}
    assert alert_fact("stale_source", stale, "en", None) == "source crm: last loaded on 2026-11-20"


def test_unknown_code_keeps_the_api_message() -> None:
    alert = {"alert_type": "new_kind", "message": "Balance 1234.50 EUR"}
    assert alert_parts(alert, "en") == ("Balance €1,234.50", "")
    assert alert_parts({"alert_type": "new_kind"}, "fr") == ("new_kind", "")


def test_api_alerts_carry_their_parameters(api_server: str, admin_token: str) -> None:
    """On the demo built by the real pipeline, each alert the API lists reads in French
    from its parameters: a quote or ticket has its number, no English or raw amount."""
    with httpx.Client(base_url=f"{api_server}/api/v1", timeout=120) as http:
        http.headers["Authorization"] = f"Bearer {admin_token}"
        alerts = http.get("/alerts", params={"limit": 500}).json()["data"]
    assert alerts
    for alert in alerts:
        title, detail = alert_parts(alert, "fr")
        text = f"{title} — {detail}"
        assert text and not re.search(r"\d\.\d\d|EUR|while|days ago|since", text), alert
        if alert["alert_type"] in ("quote_unanswered", "urgent_ticket"):
            assert alert["reference"] and alert["reference"] in text, alert
        if alert["alert_type"] == "quote_unanswered":
            assert alert["age_days"] is not None and alert["since"], alert
