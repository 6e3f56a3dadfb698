"""Logboek: the audit log of administrative actions and the accounts (beheerder only)."""

from survey_app.dashboard import audit_page

audit_page.render_audit_page()
