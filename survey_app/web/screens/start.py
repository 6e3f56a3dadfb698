"""Start: shown when the URL holds no round; explains how to open a questionnaire."""

import streamlit as st

from analysis import contract
from survey_app.respond import flow
from survey_app.respond import widgets as ui

ui.inject_css()
example = f"/?ronde={contract.DEMO_ROUND_ID}"
st.title(flow.t("start_title", "nl"))
st.write(flow.t("start_body", "nl", example=example))
st.caption(flow.t("start_body", "en", example=example))
st.markdown(f":material/edit_note: [Demo: vragenlijst invullen / fill in the demo]({example})")
