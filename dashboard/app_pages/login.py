"""Login page: username and password exchanged for a bearer token (OAuth2 password flow)."""

from __future__ import annotations

from typing import Any

import streamlit as st

from dashboard import session
from dashboard.client import ApiClient, ApiError, shared_http
from dashboard.i18n import t

lang = session.lang()
st.title(t("app_title", lang))
flash = session.pop_flash()
if flash:
    st.warning(t(flash, lang))

with st.form("login", clear_on_submit=False):
    st.subheader(t("login_title", lang))
    st.caption(t("login_intro", lang))
    username = st.text_input(t("username", lang), key="login_username")
    password = st.text_input(t("password", lang), type="password", key="login_password")
    submitted = st.form_submit_button(t("sign_in", lang), type="primary")

if submitted:
    if not username or not password:
        st.error(t("login_missing", lang))
    else:
        api = ApiClient(session.config().api_url, http=shared_http())
        try:
            token = api.login(username.strip(), password)
        except ApiError as exc:
            if exc.status in (400, 401, 403, 422):
                st.error(t("login_failed", lang))
            else:
                session.show_api_error(exc)
        else:
            profile: dict[str, Any] = {}
            try:
                profile = ApiClient(
                    api.base_url, token.get("access_token"), http=shared_http()
                ).me()
            except ApiError:
                profile = {}  # the token response already carries role and names
            session.sign_in(token, profile)
            st.rerun()
