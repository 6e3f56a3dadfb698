"""Aanmelden: the sign-in form, the only page of the staff server before sign-in."""

from survey_app.auth import session

session.render_sign_in()
