"""Which pages the app shows: the one place to register pages.

``app.py`` only calls :func:`build_navigation` and runs the result.

* A respondent link (``?ronde=...`` in the URL) shows the questionnaire page
  alone, without any menu: respondents never see a dashboard.
* Otherwise the start page plus the staff pages of :func:`dashboard_pages`.

To add a dashboard page, append an ``st.Page`` to the list built in
:func:`dashboard_pages` (e.g. ``_page("overview.py", "Overzicht", "overzicht",
":material/bar_chart:")``); the respondent flow does not change.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

import streamlit as st

PAGES_DIR = Path(__file__).resolve().parent / "screens"
RESPOND_URL_PATH = "vragenlijst"


def _page(file: str, title: str, url_path: str, icon: str | None = None, **kw: Any) -> st.Page:
    return st.Page(PAGES_DIR / file, title=title, url_path=url_path, icon=icon, **kw)


def respond_page(*, default: bool = False, visibility: str = "visible") -> st.Page:
    """The respondent flow ("Vragenlijst invullen")."""
    return _page("respond.py", "Vragenlijst invullen", RESPOND_URL_PATH, ":material/edit_note:",
                 default=default, visibility=visibility)


def start_page() -> st.Page:
    """The small start page shown without a round in the link."""
    return _page("start.py", "Start", "start", ":material/home:", default=True)


def dashboard_pages() -> list[st.Page]:
    """Staff pages (Overzicht, ...), in menu order.  Others append here."""
    pages: list[st.Page] = []
    pages.append(_page("overzicht.py", "Overzicht", "overzicht", ":material/bar_chart:"))
    pages.append(_page("inspectierapport.py", "Inspectierapport", "inspectierapport", ":material/fact_check:"))
    pages.append(_page("vergelijken.py", "Vergelijken", "vergelijken", ":material/compare_arrows:"))
    pages.append(_page("verbanden.py", "Verbanden", "verbanden", ":material/scatter_plot:"))
    pages.append(_page("opmerkingen.py", "Opmerkingen", "opmerkingen", ":material/chat:"))
    pages.append(_page("import_export.py", "Import en export", "import-export", ":material/import_export:"))
    return pages


def is_respondent_link(query_params: Mapping[str, Any]) -> bool:
    """True when the URL carries a round (``ronde``): the respondent-only navigation."""
    return bool(query_params.get("ronde"))


def build_navigation(query_params: Mapping[str, Any]) -> tuple[list[st.Page] | dict[str, list[st.Page]], str]:
    """(pages, position) for ``st.navigation``.

    With ``ronde`` in the URL: only the questionnaire page, menu hidden.
    Without: the start page (default), the hidden questionnaire page (so
    ``/vragenlijst?ronde=...`` also works) and the dashboard pages.
    """
    if is_respondent_link(query_params):
        return [respond_page(default=True)], "hidden"
    dashboards = dashboard_pages()
    pages = [start_page(), respond_page(visibility="hidden")]
    if not dashboards:
        return pages, "hidden"
    return {"": pages, "Dashboards": dashboards}, "sidebar"
