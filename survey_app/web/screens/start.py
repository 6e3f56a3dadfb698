"""Start: shown when the URL holds no round; explains how to open a questionnaire."""

import streamlit as st

from analysis import contract
from survey_app.respond import flow
from survey_app.respond import widgets as ui

ui.inject_css()
example = f"/?ronde={contract.DEMO_ROUND_ID}"
first, *others = flow.LANGUAGES
st.title(flow.t("start_title", first))
st.write(flow.t("start_body", first, example=example))
for lang in others:
    st.caption(flow.t("start_body", lang, example=example))
demo = " / ".join(flow.t("start_demo_link", lang) for lang in flow.LANGUAGES)
st.markdown(f":material/edit_note: [{demo}]({example})")
