"""Streamlit entry point: builds the pages and runs the navigation, nothing else.

Start it with ``survey-app`` (see :mod:`survey_app.web.launcher`); pages are
registered in :mod:`survey_app.web.navigation`.
"""

import streamlit as st

from analysis.i18n import DEFAULT_LANGUAGE, text
from survey_app.web.navigation import build_navigation

st.set_page_config(page_title=text("app.page_title", DEFAULT_LANGUAGE), layout="centered")
pages, position = build_navigation(st.query_params)
st.navigation(pages, position=position).run()
