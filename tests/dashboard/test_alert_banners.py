"""An alert reads as "title — detail": the detail adds the alert's figures and never says
again what the title says (issue 10: "overdue while an offer is open — … overdue while an
offer is open"), in French and in English, for every code mart.alert emits."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

from dashboard.i18n import alert_line, alert_parts

ALERT_SQL = Path(__file__).resolve().parents[2] / "warehouse" / "sql" / "marts" / "alert.sql"
PARAMS = {
    "amount": "165101.36",
    "reference": "DEV-0042",
    "since": "2026-10-01",
    "age_days": 58,
    "subject": "Panne ligne 2",
}


def _words(text: str) -> set[str]:
    plain = unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode()
    return {w for w in re.findall(r"[a-z]{4,}", plain)}


def _codes() -> list[str]:
    return sorted(set(re.findall(r"'(\w+)' as alert_type", ALERT_SQL.read_text("utf-8"))))


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_no_detail_repeats_its_title(lang: str) -> None:
    codes = _codes()
    assert len(codes) >= 8, codes
    for code in codes:
        title, detail = alert_parts({"alert_type": code, **PARAMS}, lang)
        assert title and "{" not in detail, code
        assert not _words(title) & _words(detail), (code, title, detail)


def test_banners_read_well() -> None:
    offer = {"alert_type": "overdue_before_offer", "amount": "165101.36"}
    assert alert_line(offer, "fr") == (
        "Retard de paiement alors qu'une offre est en cours — 165\u202f101,36\u00a0€"
    )
    assert alert_line(offer, "en") == "Overdue while an offer is open — €165,101.36"
    limit = {"alert_type": "credit_limit_exceeded", "amount": "12000"}
    assert alert_line(limit, "fr") == (
        "Plafond de crédit dépassé — dépassement de 12\u202f000,00\u00a0€"
    )
    assert alert_line(limit, "en") == "Credit limit exceeded — by €12,000.00"
    quote = {"alert_type": "quote_unanswered", **PARAMS, "amount": "12400"}
    assert alert_line(quote, "fr") == (
        "Devis sans réponse — DEV-0042, 12\u202f400,00\u00a0€, envoyé il y a 58 j"
    )
    address = {"alert_type": "address_conflict", "reference": "city,street"}
    assert alert_line(address, "fr") == "Adresses différentes selon les sources — ville, rue"
    assert alert_line({"alert_type": "address_conflict"}, "en") == (
        "Addresses differ between sources"
    )
    assert alert_line({"alert_type": "erp_only_customer"}, "fr") == (
        "Client présent dans l'ERP mais pas dans le CRM"
    )
    stale = {"alert_type": "stale_source", "reference": "crm", "since": "2026-11-20"}
    assert alert_line(stale, "en") == "Stale source — crm, last loaded on 2026-11-20"
