"""Vergelijken: one institution against all other GIs together, or a round against an earlier round."""

from survey_app.dashboard import compare, context

ctx = context.page_setup(
    "vergelijken",
    "compare_title",
    intro_key="compare_intro",
    disabled_filters=compare.compare_disabled_filters(),
    hold=False,  # the page picks the institution or rounds itself and checks those
)
compare.render_compare(ctx)
