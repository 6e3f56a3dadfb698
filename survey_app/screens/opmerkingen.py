"""Opmerkingen: the scrubbed free-text comments as plain text, hidden for small groups."""

from survey_app import ui_dashboard as ud

ctx = ud.page_setup("opmerkingen", "comments_title", intro_key="comments_intro")
ud.render_comments(ctx)
