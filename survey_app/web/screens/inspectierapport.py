"""Inspectierapport: the published 2025 figures next to the same figures computed from the chosen data."""

from survey_app.dashboard import context, report_page

# the report compares with one round the reader picks on the page (report_page.render_reference)
ctx = context.page_setup(
    "inspectierapport", "reference_title", intro_key="reference_intro", disabled_filters=("round_id",), hold=False
)
if ctx.empty:
    context.no_data()
else:
    report_page.render_reference(ctx)
