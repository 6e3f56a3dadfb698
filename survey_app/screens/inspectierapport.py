"""Inspectierapport: the published 2025 figures next to the same figures computed from the chosen data."""

from survey_app import ui_dashboard as ud

ctx = ud.page_setup("inspectierapport", "reference_title", intro_key="reference_intro")
if ctx.df.empty:
    ud.no_data()
else:
    ud.selection_caption(ctx)
    ud.render_reference(ctx)
