"""Opmerkingen: the scrubbed free-text comments as plain text, hidden for small groups."""

from survey_app.dashboard import comments, context

ctx = context.page_setup("opmerkingen", "comments_title")
comments.render_comments(ctx)
