"""c360 dashboard entry point: login, language switch, and role-based navigation.

Run with ``streamlit run dashboard/app.py`` (or ``c360 dashboard``). Talks only to the
c360 API over HTTP; see ``dashboard/config.py`` for the two environment settings.
"""

from __future__ import annotations

import streamlit as st

from dashboard import session, style
from dashboard.config import LANGUAGES
from dashboard.i18n import t
from dashboard.navigation import PAGES, visible_pages

LANGUAGE_NAMES = {"fr": "Français", "en": "English"}


def _no_pages() -> None:
    st.info(t("no_pages", session.lang()))


def main() -> None:
    # A local favicon: a ":material/..." icon is fetched from a third-party font host.
    # A local favicon: a ":material/..." page icon is fetched from a third-party font host.
    st.set_page_config(page_title="c360", page_icon=str(style.FAVICON), layout="wide")
    style.apply()
    lang = session.lang()
    with st.sidebar:
        st.radio(
            t("language", lang),
            LANGUAGES,
            key=session.LANG,
            horizontal=True,
            format_func=LANGUAGE_NAMES.__getitem__,
        )
        lang = session.lang()
    if not session.is_signed_in():
        login = st.Page(
            "app_pages/login.py",
            title=t("login_title", lang),
            icon=":material/login:",
            url_path="login",
            default=True,
        )
        st.navigation([login], position="hidden").run()
        return
    user = session.user()
    with st.sidebar:
        name = user.get("display_name") or user.get("username") or "?"
        st.caption(t("signed_in_as", lang, name=name, role=user.get("role") or "?"))
        st.button(t("sign_out", lang), on_click=session.sign_out, icon=":material/logout:")
    names = visible_pages(session.role())
    pages = [
        st.Page(
            f"app_pages/{name}.py",
            title=t(PAGES[name][0], lang),
            icon=PAGES[name][1],
            url_path=name,
            default=(i == 0),
        )
        for i, name in enumerate(names)
    ] or [st.Page(_no_pages, title="c360", url_path="home", default=True)]
    st.navigation(pages).run()


main()
