"""Vergelijken: one institution against all other GIs together, or a round against an earlier round."""

from survey_app import ui_dashboard as ud

ctx = ud.page_setup(
    "vergelijken", "compare_title", intro_key="compare_intro", disabled_filters=ud.compare_disabled_filters()
)
ud.render_compare(ctx)
