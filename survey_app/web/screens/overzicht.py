"""Overzicht: key numbers and every figure of the inspection report on the chosen selection."""

from survey_app.dashboard import context, overview

ctx = context.page_setup("overzicht", "overview_title", intro_key="overview_intro")
if ctx.empty:
    context.no_data()
else:
    context.selection_caption(ctx)
    overview.render_key_numbers(ctx)
    overview.render_figures(ctx)
