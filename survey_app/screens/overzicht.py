"""Overzicht: key numbers and every figure of the inspection report on the chosen selection."""

from survey_app import ui_dashboard as ud

ctx = ud.page_setup("overzicht", "overview_title", intro_key="overview_intro")
if ctx.df.empty:
    ud.no_data()
else:
    ud.selection_caption(ctx)
    ud.render_key_numbers(ctx)
    ud.render_figures(ctx)
