"""Microdata: the k-anonymous responses without free text, for research (analysis.microdata)."""

from survey_app.dashboard import context, microdata

ctx = context.page_setup("microdata", "privacy.microdata.title", show_filters=())
microdata.render_microdata(ctx)
