"""The 360° screen: the overdue alert comes first, escalated when selling more would add to
a late debt; the as-of date is the balance history's last point; source ids keep underscores."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.i18n import md_escape, value_label
from dashboard.profile import as_of_date, freshness_line, next_due, overdue_banner
from dashboard.profile_tabs import evidence_label

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")

# Open items as GET /customers/{id}/open-items returns them (as of 2026-11-28).
ITEMS: list[dict[str, Any]] = [
    {"document_ref": "INV/2026/00532", "due_date": "2026-08-28", "days_overdue": 92,
     "amount_open": "116948.12", "amount_remaining": "116948.12", "aging_bucket": "over_90"},
    {"document_ref": "INV/2026/00546", "due_date": "2026-09-03", "days_overdue": 86,
     "amount_open": "108938.11", "amount_remaining": "108938.11", "aging_bucket": "61_90"},
    {"document_ref": "INV/2026/00651", "due_date": "2026-10-13", "days_overdue": 46,
     "amount_open": "30998.63", "amount_remaining": "30998.63", "aging_bucket": "31_60"},
    {"document_ref": "INV/2026/00700", "due_date": "2026-12-20", "days_overdue": 0,
     "amount_open": "1200.00", "amount_remaining": "1200.00", "aging_bucket": "not_due"},
]  # fmt: skip
FIN = {
    "overdue_amount": "256884.86",
    "oldest_overdue_days": 92,
    "open_pipeline_amount": "0.00",
    "credit_limit_amount": "1000000.00",
    "credit_exposure_amount": "258084.86",
}


def test_any_overdue_amount_is_an_alert_with_count_amount_and_age() -> None:
    severity, text = overdue_banner(FIN, ITEMS, "en", "EUR") or ("", "")
    assert severity == "medium"
    assert text == "3 invoice(s) overdue, €256,884.86, oldest 92 days"
    _, fr = overdue_banner(FIN, ITEMS, "fr", "EUR") or ("", "")
    assert fr == "3 facture(s) en retard, 256\u202f884,86\u00a0€, la plus ancienne de 92 j"


def test_overdue_alert_is_escalated_by_an_open_offer_or_a_limit_exceeded() -> None:
    offer = {**FIN, "open_pipeline_amount": "40000.00"}
    severity, text = overdue_banner(offer, ITEMS, "en", "EUR") or ("", "")
    assert severity == "high"
    assert "an offer is open (€40,000.00)" in text
    over = {**FIN, "credit_limit_amount": "200000.00"}
    severity, text = overdue_banner(over, ITEMS, "en", "EUR") or ("", "")
    assert severity == "high"
    assert "credit limit exceeded (€258,084.86 of the €200,000.00 limit)" in text


def test_nothing_overdue_is_no_banner() -> None:
    assert overdue_banner({**FIN, "overdue_amount": "0.00"}, [], "en", "EUR") is None
    assert overdue_banner({**FIN, "overdue_amount": None}, [], "en", "EUR") is None


# GET /customers/{id}/balance-history as the API returns it: one point per build.
HISTORY: list[dict[str, Any]] = [
    {"build_date": "2026-11-27", "outstanding_amount": "250000.00", "overdue_amount": "0.00"},
    {"build_date": "2026-11-28", "outstanding_amount": "258084.86",
     "overdue_amount": "256884.86"},
]  # fmt: skip


def test_as_of_is_the_last_balance_point_and_is_said_next_to_the_build_time() -> None:
    assert as_of_date(HISTORY) == date(2026, 11, 28)
    assert as_of_date(list(reversed(HISTORY))) == date(2026, 11, 28)
    assert as_of_date([]) is None
    assert next_due(ITEMS, date(2026, 11, 28)) == "2026-12-20"
    profile = {"snapshot": "20261206T032200Z", "sources": [{"source": "crm_hub"}]}
    line = freshness_line(profile, date(2026, 11, 28), "fr")
    assert line.startswith("Données du 06/12/2026 03:22 ; retards calculés au 28/11/2026 · ")
    assert "crm\\_hub" in line  # the underscore survives Markdown
    english = freshness_line(profile, date(2026, 11, 28), "en")
    assert english.startswith("Data of 2026-12-06 03:22; days overdue counted at 2026-11-28")
    unknown = freshness_line(profile, None, "fr")
    assert unknown.startswith("Données du 06/12/2026 03:22 ; date de calcul des retards inconnue")


def test_source_ids_and_values_are_shown_as_typed_and_translated() -> None:
    assert (
        md_escape("__export__.account_move_21561") == "\\_\\_export\\_\\_\\.account\\_move\\_21561"
    )
    assert value_label("Closed Won", "fr") == "Gagnée"
    assert value_label("posted", "fr") == "Comptabilisée"
    assert value_label("something_new", "fr") == "something_new"


def test_xref_evidence_does_not_mention_a_crm_the_customer_lacks() -> None:
    src = {"match_rule": "xref", "evidence": {"rule": "xref", "customer_code": "C00054"},
           "evidence_text": "ERP code C00054 held in the CRM"}  # fmt: skip
    assert evidence_label(src, False, "fr") == (
        "Même code client C00054 dans l'ERP et la comptabilité"
    )
    assert evidence_label(src, True, "en") == "ERP code C00054 held in the CRM"


def _overdue_customer(api_url: str, user: tuple[str, str]) -> tuple[str, dict[str, Any]]:
    with httpx.Client(base_url=f"{api_url}/api/v1", timeout=60) as http:
        token = http.post("/auth/token", data={"username": user[0], "password": user[1]})
        token.raise_for_status()
        access = token.json()["access_token"]
        http.headers["Authorization"] = f"Bearer {access}"
        found = http.get("/receivables/overdue", params={"limit": 1}).json()["data"][0]
        return access, http.get(f"/customers/{found['customer_id']}").json()


SCREEN_TEXT = {
    "fr": ("en retard", "; retards calculés au ", "Fiche PDF (A4)"),
    "en": ("overdue", "; days overdue counted at ", "One-page brief (PDF)"),
}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_360_screen_puts_the_overdue_alert_before_the_cards(
    api_server: str, e2e_user: tuple[str, str], monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    late, as_of, brief = SCREEN_TEXT[lang]
    token, profile = _overdue_customer(api_server, e2e_user)
    monkeypatch.setenv("C360_API_URL", api_server)
    monkeypatch.setenv("C360_DASHBOARD__LANGUAGE", lang)
    app = AppTest.from_file(APP, default_timeout=60)
    app.session_state["c360_token"] = token
    app.session_state["c360_user"] = {"role": "admin", "username": e2e_user[0]}
    app.session_state["c360_customer"] = profile["customer_id"]
    app.run()
    assert not app.exception, app.exception
    boxes = [*app.error, *app.warning]
    assert any(late in b.value for b in boxes), [b.value for b in boxes]
    assert any(as_of in c.value for c in app.caption), [c.value for c in app.caption]
    assert [b.proto.label for b in app.get("download_button")] == [brief]
    # no raw amount ("12345.67 EUR") in any alert, whatever the language
    assert not any(re.search(r"\d\.\d\d ?EUR", b.value) for b in boxes)
    if lang == "fr":  # every alert told in French, never the mart's English message
        said = [b.value for b in [*boxes, *app.info]]
        assert not any(re.search(r"\b(while|since|days ago|unanswered)\b", v) for v in said)
    # the banner is drawn before the cards (one HTML grid)
    nodes = list(_walk(app.main))
    kinds = [type(node).__name__ for node in nodes]
    cards = [i for i, n in enumerate(nodes) if kinds[i] == "Html" and "c360-cards" in n.proto.body]
    assert cards
    assert min(i for i, k in enumerate(kinds) if k in ("Warning", "Error")) < cards[0]


def _walk(node: Any) -> list[Any]:
    """Elements of the page in the order they are drawn."""
    out = [node]
    for _, child in sorted(getattr(node, "children", {}).items()):
        out.extend(_walk(child))
    return out


def test_raw_amounts_in_api_messages_are_formatted() -> None:
    from dashboard.i18n import format_message_amounts

    text = "Overdue 165101.36 EUR while an offer of 40000 EUR is open (INV/2026/00532)"
    assert format_message_amounts(text, "en") == (
        "Overdue €165,101.36 while an offer of €40,000.00 is open (INV/2026/00532)"
    )
    assert format_message_amounts("retard 12400.5 EUR", "fr") == "retard 12\u202f400,50\u00a0€"


def test_revenue_by_month_covers_24_months_with_credit_notes_negative() -> None:
    from dashboard.profile import revenue_by_month

    invoices = [
        {"issue_date": "2026-11-03", "amount_excl_tax": "1000.10", "kind": "invoice",
         "status": "posted"},
        {"issue_date": "2026-11-20", "amount_excl_tax": "200.05", "kind": "credit_note",
         "status": "posted"},
        {"issue_date": "2026-10-01", "amount_excl_tax": "50.00", "kind": "invoice",
         "status": "cancelled"},
        {"issue_date": "2024-12-01", "amount_excl_tax": "7.00", "kind": "invoice",
         "status": "posted"},
        {"issue_date": "2024-11-30", "amount_excl_tax": "9.00", "kind": "invoice",
         "status": "posted"},
    ]  # fmt: skip
    frame = revenue_by_month(invoices, date(2026, 11, 28))
    assert len(frame) == 24
    assert frame["month"].iloc[0] == "2024-12" and frame["month"].iloc[-1] == "2026-11"
    assert round(frame["amount"].iloc[-1], 2) == 800.05
    assert frame["amount"].iloc[-2] == 0.0  # the cancelled invoice is not revenue
    assert frame["amount"].iloc[0] == 7.0  # November 2024 is outside the 24 months
