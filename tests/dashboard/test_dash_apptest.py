"""Streamlit AppTest: the login page renders, the language switch works, errors are clear.

No network is needed: the API URL points at a closed port.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")


@pytest.fixture
def app(monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("C360_API_URL", "http://127.0.0.1:9")
    monkeypatch.delenv("C360_DASHBOARD__LANGUAGE", raising=False)
    return AppTest.from_file(APP, default_timeout=30)


def test_login_page_renders_in_french(app: AppTest) -> None:
    app.run()
    assert not app.exception
    assert app.title[0].value == "c360 — vue client 360°"
    assert [w.label for w in app.text_input] == ["Identifiant", "Mot de passe"]
    assert app.radio[0].value == "fr"


def test_language_switch_translates_the_page(app: AppTest) -> None:
    app.run()
    app.radio[0].set_value("en").run()
    assert not app.exception
    assert app.title[0].value == "c360 — 360° customer view"
    assert [w.label for w in app.text_input] == ["Username", "Password"]


def test_language_default_from_environment(monkeypatch: pytest.MonkeyPatch, app: AppTest) -> None:
    monkeypatch.setenv("C360_DASHBOARD__LANGUAGE", "en")
    app.run()
    assert [w.label for w in app.text_input] == ["Username", "Password"]


def test_empty_login_and_unreachable_api_are_explained(app: AppTest) -> None:
    app.run()
    app.button[0].click().run()
    assert [e.value for e in app.error] == ["Saisissez un identifiant et un mot de passe."]
    app.text_input[0].input("alice")
    app.text_input[1].input("secret")
    app.button[0].click().run()
    assert not app.exception
    assert "ne répond pas" in app.error[0].value


def test_signed_in_sales_user_sees_search_hint(app: AppTest) -> None:
    app.session_state["c360_token"] = "token"
    app.session_state["c360_user"] = {"role": "sales", "username": "bob"}
    app.run()
    assert not app.exception
    assert any("au moins deux caractères" in c.value for c in app.caption)
    app.button[0].click().run()  # sign out
    assert [w.label for w in app.text_input] == ["Identifiant", "Mot de passe"]


def _error_script(status: int, code: str) -> None:
    import streamlit as st

    from dashboard import session
    from dashboard.client import ApiError

    if "ran" not in st.session_state:  # first run only: a signed-in user meets the error
        st.session_state.ran = True
        st.session_state.c360_token = "token"
        session.show_api_error(ApiError(status, code, "message from the API"))
    st.caption(f"flash={st.session_state.get('c360_flash')}")


@pytest.mark.parametrize(
    ("status", "code", "kind", "text"),
    [
        (403, "forbidden", "warning", "Votre rôle ne donne pas accès"),
        (
            503,
            "no_snapshot",
            "info",
            "Aucune donnée publiée pour l'instant — lancez `c360 nightly`",
        ),
        (404, "customer_not_found", "warning", "Introuvable : message from the API"),
        (500, "internal", "error", "Erreur de l'API : message from the API"),
    ],
)
def test_api_errors_are_messages_not_tracebacks(
    status: int, code: str, kind: str, text: str
) -> None:
    at = AppTest.from_function(_error_script, args=(status, code)).run()
    assert not at.exception
    assert text in getattr(at, kind)[0].value


def test_expired_token_signs_out_with_a_message() -> None:
    at = AppTest.from_function(_error_script, args=(401, "not_authenticated")).run()
    assert not at.exception
    assert "c360_token" not in at.session_state
    assert at.caption[0].value == "flash=session_expired"
