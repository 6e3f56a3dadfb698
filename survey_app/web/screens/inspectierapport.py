"""Inspectierapport: the published 2025 figures next to the same figures computed from the chosen data."""

from survey_app.dashboard import context, report_page

ctx = context.page_setup("inspectierapport", "reference_title", intro_key="reference_intro")
if ctx.df.empty:
    context.no_data()
else:
    context.selection_caption(ctx)
    report_page.render_reference(ctx)
