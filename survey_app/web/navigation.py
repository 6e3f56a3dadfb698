"""Which pages the app shows: the one place to register pages.

``app.py`` only calls :func:`build_navigation` and runs the result.  What is
registered depends on the server's mode (:mod:`survey_app.web.mode`, fixed
per process by the launcher) and, on a staff server, on the signed-in
person's role -- never on the URL:

* public server (``survey-app serve``): the questionnaire page alone, menu
  hidden.  No staff page, download or upload exists in the process, whatever
  the URL; without ``?ronde=`` the page explains how to use the invitation.
* staff server (``survey-app serve --staff``), not signed in: the sign-in page
  alone.
* staff server, signed in: the pages of the person's role
  (:data:`survey_app.auth.roles.PAGE_ROLES`).

To add a staff page, add it to :data:`DASHBOARDS`, its menu title to the catalog
(``navigation.page.<url path>`` in every ``analysis/locales/<lang>.yaml``) and its
roles to ``PAGE_ROLES``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import streamlit as st

from analysis import i18n
from survey_app.auth import session
from survey_app.web.mode import is_staff_server

PAGES_DIR = Path(__file__).resolve().parent / "screens"
RESPOND_URL_PATH = "vragenlijst"


def _page(file: str, title: str, url_path: str, icon: str | None = None, **kw: Any) -> st.Page:
    return st.Page(PAGES_DIR / file, title=title, url_path=url_path, icon=icon, **kw)


def respond_page(*, default: bool = False, visibility: str = "visible") -> st.Page:
    """The respondent flow ("Vragenlijst invullen")."""
    return _page(
        "respond.py",
        i18n.text("navigation.respond", i18n.DEFAULT_LANGUAGE),
        RESPOND_URL_PATH,
        ":material/edit_note:",
        default=default,
        visibility=visibility,
    )


def sign_in_page() -> st.Page:
    """The sign-in form: the only page of the staff server before sign-in."""
    return _page(
        "aanmelden.py",
        i18n.text("navigation.sign_in", i18n.DEFAULT_LANGUAGE),
        "aanmelden",
        ":material/login:",
        default=True,
    )


#: Catalog key prefix of the menu titles (``navigation.page.<url path>``); the URL
#: paths stay Dutch so links keep working.
TITLE_KEY = "navigation.page."
#: session-state key of the dashboards' language toggle (survey_app.dashboard.LANG_KEY)
LANG_KEY = "dash_lang"


def _title(url_path: str, lang: str) -> str:
    return i18n.text(TITLE_KEY + url_path, lang)


#: Dashboard pages in menu order: (file in screens/, url path, icon).
DASHBOARDS = (
    ("overzicht.py", "overzicht", ":material/bar_chart:"),
    ("inspectierapport.py", "inspectierapport", ":material/fact_check:"),
    ("vergelijken.py", "vergelijken", ":material/compare_arrows:"),
    ("verbanden.py", "verbanden", ":material/scatter_plot:"),
    ("opmerkingen.py", "opmerkingen", ":material/chat:"),
    ("rondeverslag.py", "rondeverslag", ":material/description:"),
    ("import_export.py", "import-export", ":material/import_export:"),
    ("microdata.py", "microdata", ":material/dataset:"),
    ("rondes.py", "rondes", ":material/event_note:"),
    ("logboek.py", "logboek", ":material/history:"),
)


def dashboard_menu(lang: str = "nl", pages: Sequence[str] | None = None) -> list[tuple[str, str, str, str]]:
    """(file, title in ``lang``, url path, icon) of the staff pages in ``pages`` (url paths; None: all), in menu order."""
    return [
        (file, _title(url_path, lang), url_path, icon)
        for file, url_path, icon in DASHBOARDS
        if pages is None or url_path in pages
    ]


def dashboard_pages(lang: str = "nl", pages: Sequence[str] | None = None) -> list[st.Page]:
    """Staff pages (Overzicht, ...) in ``pages`` (url paths; None: all), titled in ``lang``."""
    return [_page(file, title, url_path, icon) for file, title, url_path, icon in dashboard_menu(lang, pages)]


def build_navigation(
    query_params: Mapping[str, Any] | None = None,
    lang: str | None = None,
) -> tuple[list[st.Page] | dict[str, list[st.Page]], str]:
    """(pages, position) for ``st.navigation``.

    ``query_params`` are not used to choose pages: no URL selects a surface,
    a page or a scope (the argument stays for callers that pass it).
    """
    if not is_staff_server():
        return [respond_page(default=True)], "hidden"
    access = session.current_access()
    if access is None or not access.pages:
        return [sign_in_page()], "hidden"
    if lang is None:
        chosen = st.session_state.get(LANG_KEY)
        lang = chosen if chosen in i18n.languages() else i18n.DEFAULT_LANGUAGE
    return {i18n.text("navigation.dashboards", lang): dashboard_pages(lang, access.pages)}, "sidebar"
