"""Which pages the app shows: the one place to register pages.

``app.py`` only calls :func:`build_navigation` and runs the result.

* A respondent link (``?ronde=...`` in the URL) shows the questionnaire page
  alone, without any menu: respondents never see a dashboard.
* Otherwise the start page plus the staff pages of :func:`dashboard_pages`.

To add a dashboard page, add it to :data:`DASHBOARDS` and its menu title to
the catalog (``navigation.page.<url path>`` in every ``analysis/locales/<lang>.yaml``);
the respondent flow does not change.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import streamlit as st

from analysis import i18n

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


def start_page() -> st.Page:
    """The small start page shown without a round in the link."""
    return _page(
        "start.py", i18n.text("navigation.start", i18n.DEFAULT_LANGUAGE), "start", ":material/home:", default=True
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
    ("import_export.py", "import-export", ":material/import_export:"),
    # issue 11: running a round from the app
    ("rondes.py", "rondes", ":material/event_note:"),
)


def dashboard_menu(lang: str = "nl") -> list[tuple[str, str, str, str]]:
    """(file, title in ``lang``, url path, icon) of every staff page, in menu order."""
    return [(file, _title(url_path, lang), url_path, icon) for file, url_path, icon in DASHBOARDS]


def dashboard_pages(lang: str = "nl") -> list[st.Page]:
    """Staff pages (Overzicht, ...), titled in ``lang``.  Add a page to :data:`DASHBOARDS`."""
    return [_page(file, title, url_path, icon) for file, title, url_path, icon in dashboard_menu(lang)]


def is_respondent_link(query_params: Mapping[str, Any]) -> bool:
    """True when the URL carries a round (``ronde``): the respondent-only navigation."""
    return bool(query_params.get("ronde"))


def build_navigation(
    query_params: Mapping[str, Any],
    lang: str | None = None,
) -> tuple[list[st.Page] | dict[str, list[st.Page]], str]:
    """(pages, position) for ``st.navigation``.

    With ``ronde`` in the URL: only the questionnaire page, menu hidden.
    Without: the start page (default), the hidden questionnaire page (so
    ``/vragenlijst?ronde=...`` also works) and the dashboard pages.
    """
    if is_respondent_link(query_params):
        return [respond_page(default=True)], "hidden"
    if lang is None:
        chosen = st.session_state.get(LANG_KEY)
        lang = chosen if chosen in i18n.languages() else i18n.DEFAULT_LANGUAGE
    dashboards = dashboard_pages(lang)
    pages = [start_page(), respond_page(visibility="hidden")]
    if not dashboards:
        return pages, "hidden"
    return {"": pages, i18n.text("navigation.dashboards", lang): dashboards}, "sidebar"
