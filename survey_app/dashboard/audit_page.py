"""Logboek: the audit log and the list of accounts (role beheerder; read-only).

Accounts are changed on the command line (``survey-app user ...``).  The log
holds staff actions only: never answers, response ids or access codes.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from analysis import i18n
from survey_app.auth import accounts, session
from survey_app.auth.texts import action_label, t
from survey_app.respond import widgets as ui

from .context import language_toggle
from .downloads import show_table

AUDIT_LIMIT = 500


def audit_table(records, lang: str, round_names: dict[str, str] | None = None) -> pd.DataFrame:
    """The audit entries as a display table (text cells); a round is shown by name ("name (id)")."""
    cols = [t("audit_col." + c, lang) for c in ("at", "actor", "action", "target", "detail")]
    names = round_names or {}
    rows = [
        (
            r.at.strftime("%Y-%m-%d %H:%M:%S"),
            r.actor,
            action_label(r.action, lang),
            f"{names[r.target]} ({r.target})" if r.target in names else (r.target or ""),
            r.detail or "",
        )
        for r in records
    ]
    return pd.DataFrame(rows, columns=cols, dtype="string")


def accounts_table(users, lang: str, now) -> pd.DataFrame:
    """The accounts (name, role, institution, state) as a display table; never a hash."""
    now = now.astimezone(dt.UTC).replace(tzinfo=None)
    rows = []
    for u in users:
        if u.locked_until is not None and u.locked_until > now:
            state = t("account_locked", lang, t=u.locked_until.strftime("%Y-%m-%d %H:%M"))
        elif u.must_change:
            state = t("account_temporary", lang)
        else:
            state = t("account_ok", lang)
        rows.append((u.name, t("role." + u.role, lang), u.gi or "", state))
    cols = [t("accounts_col." + c, lang) for c in ("name", "role", "gi", "state")]
    return pd.DataFrame(rows, columns=cols, dtype="string")


def render_audit_page() -> None:
    """The whole Logboek page (guarded: beheerder only)."""
    st.set_page_config(page_title=i18n.text("navigation.page.logboek", session.lang()), layout="wide")
    access = session.require_page("logboek")
    ui.inject_css()
    storage = ui.get_storage()
    with st.sidebar:
        lang = language_toggle()
    session.account_box(access)
    st.title(i18n.text("navigation.page.logboek", lang))
    st.write(t("audit_intro", lang))
    chosen = st.multiselect(
        t("audit_actions", lang),
        list(accounts.AUDIT_ACTIONS),
        key="audit_actions",
        format_func=lambda a: action_label(a, lang),
        placeholder=t("audit_all", lang),
    )
    records = storage.list_audit(limit=AUDIT_LIMIT, actions=chosen or None)
    if not records:
        st.info(t("audit_empty", lang))
    else:
        st.caption(t("audit_count", lang, n=len(records)))
        show_table(audit_table(records, lang, storage.round_names()), key="audit_table")
    st.header(t("accounts_header", lang))
    st.caption(t("accounts_help", lang))
    show_table(accounts_table(storage.list_users(), lang, accounts.now()), key="accounts_table")
