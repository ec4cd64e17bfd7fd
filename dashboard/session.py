"""Per-user state (token, role, language) and the one way errors are shown to people."""

from __future__ import annotations

import logging
from typing import Any

import streamlit as st

from dashboard.client import ApiClient, ApiError, shared_http
from dashboard.config import DashboardConfig, load_config
from dashboard.i18n import t

logger = logging.getLogger(__name__)

TOKEN = "c360_token"
USER = "c360_user"
LANG = "c360_lang"
FLASH = "c360_flash"


def config() -> DashboardConfig:
    return load_config()


def lang() -> str:
    """The UI language chosen in the sidebar, else the configured default."""
    if LANG not in st.session_state:
        st.session_state[LANG] = config().language
    return str(st.session_state[LANG])


def user() -> dict[str, Any]:
    return dict(st.session_state.get(USER) or {})


def role() -> str | None:
    return user().get("role")


def is_signed_in() -> bool:
    return bool(st.session_state.get(TOKEN))


def client() -> ApiClient:
    """An API client for the signed-in user (cached GETs, shared connection pool)."""
    return ApiClient(config().api_url, st.session_state.get(TOKEN), http=shared_http(), cache=True)


def sign_in(token_response: dict[str, Any], profile: dict[str, Any]) -> None:
    st.session_state[TOKEN] = token_response.get("access_token")
    merged = {k: v for k, v in token_response.items() if k != "access_token"}
    merged.update({k: v for k, v in profile.items() if v is not None})
    st.session_state[USER] = merged


def sign_out(flash_key: str | None = None) -> None:
    for key in (TOKEN, USER):
        st.session_state.pop(key, None)
    if flash_key:
        st.session_state[FLASH] = flash_key


def pop_flash() -> str | None:
    flash: str | None = st.session_state.pop(FLASH, None)
    return flash


def show_api_error(exc: ApiError) -> None:
    """Explain an API failure to a person; a 401 sends them back to the login form."""
    language = lang()
    if exc.status == 401:
        sign_out("session_expired")
        st.rerun()
    if exc.status == 403:
        st.warning(t("forbidden", language), icon=":material/lock:")
    elif exc.status == 503 and exc.code == "no_snapshot":
        st.info(t("no_snapshot", language), icon=":material/schedule:")
    elif exc.status == 404:
        st.warning(t("not_found", language, message=exc.message))
    elif exc.status == 0:
        st.error(t("api_unreachable", language, url=config().api_url))
    else:
        logger.warning("API error %s", exc)
        st.error(t("api_error", language, message=exc.message))


def fetch(call: Any, *args: Any, **kwargs: Any) -> Any | None:
    """Run a client call; on ``ApiError`` show it and return ``None``."""
    try:
        return call(*args, **kwargs)
    except ApiError as exc:
        show_api_error(exc)
        return None
