"""Sign-in on the staff server: the session, its expiry, sign-out, page guards and guarded downloads.

A session is a :class:`SignedIn` object in Streamlit's session state (server
memory, one per browser tab; no cookie).  A browser can only send widget
values (text, numbers, lists), never an object of this class, so nothing a
client sends can create or change a session.  On every run
:func:`current_access` checks it against the account in the database:

* more than :data:`IDLE` (30 minutes) since the last run: signed out
  ("session_expired" in the audit log);
* the account was removed, got another password or must choose a new one
  (``session_version``): signed out;
* otherwise the role, institution and so the scope come fresh from the
  database (:func:`survey_app.auth.roles.access_for`): session state and URL
  parameters never widen them.

Downloads are wrapped with :func:`guard`: the file is made only when the
session is still valid at the moment of the click, and each download is
written to the audit log.  Texts: :mod:`survey_app.auth.texts`.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import streamlit as st

from analysis import i18n
from survey_app.respond import widgets as ui
from survey_app.storage import UserNotFound
from survey_app.web.mode import is_staff_server

from . import accounts
from .roles import Access, access_for
from .texts import t

SESSION_KEY = "_auth_session"
PENDING_KEY = "_auth_pending"
FLASH_KEY = "_auth_flash"
#: session-state keys of the dashboards' language (kept across sign-in and sign-out)
LANG_KEYS = ("dash_lang", "_dash_lang")
IDLE = _dt.timedelta(minutes=30)
PENDING_TTL = _dt.timedelta(minutes=5)


@dataclass
class SignedIn:
    """A signed-in session: the account name, its ``session_version`` at sign-in, the last run."""

    name: str
    session_version: int
    last_seen: _dt.datetime
    ended: bool = False


@dataclass
class PendingChange:
    """A temporary password was right; a new one must be chosen before the session starts."""

    name: str
    session_version: int
    started: _dt.datetime


def lang() -> str:
    for key in LANG_KEYS:
        v = st.session_state.get(key)
        if v in i18n.languages():
            return v
    return i18n.DEFAULT_LANGUAGE


# --------------------------------------------------------------------------- the session


def validate(storage, signed: Any, at: _dt.datetime | None = None) -> tuple[Access | None, str]:
    """(access, "") for a valid session, else (None, reason): 'none', 'expired' or 'revoked'."""
    if not isinstance(signed, SignedIn) or signed.ended:
        return None, "none"
    at = at or accounts.now()
    if at - signed.last_seen > IDLE:
        return None, "expired"
    user = storage.get_user(signed.name)
    if user is None or user.session_version != signed.session_version or user.must_change:
        return None, "revoked"
    return access_for(user.name, user.role, user.gi), ""


def _clear(flash: str | None = None) -> None:
    signed = st.session_state.get(SESSION_KEY)
    if isinstance(signed, SignedIn):
        signed.ended = True  # downloads drawn for this session refuse from now on
    keep = {k: st.session_state[k] for k in LANG_KEYS if k in st.session_state}
    st.session_state.clear()
    for k, v in keep.items():
        st.session_state[k] = v
    if flash:
        st.session_state[FLASH_KEY] = flash


def current_access(storage=None) -> Access | None:
    """The signed-in person's :class:`Access` on a staff server, or None (and the session ends)."""
    if not is_staff_server():
        return None
    signed = st.session_state.get(SESSION_KEY)
    if signed is None:
        return None
    storage = storage or ui.get_storage()
    access, reason = validate(storage, signed)
    if access is None:
        if reason == "expired":
            accounts.audit(storage, signed.name, "session_expired", signed.name)
        _clear("expired" if reason == "expired" else None)
        return None
    signed.last_seen = accounts.now()
    return access


def start_session(user) -> None:
    """Begin a fresh session for ``user`` (everything else in the session is forgotten)."""
    _clear()
    st.session_state[SESSION_KEY] = SignedIn(user.name, user.session_version, accounts.now())


def sign_out() -> None:
    """End the session (a button's on_click); written to the audit log."""
    signed = st.session_state.get(SESSION_KEY)
    if isinstance(signed, SignedIn):
        accounts.audit(ui.get_storage(), signed.name, "sign_out", signed.name)
    _clear("signed_out")


def require_page(page: str) -> Access:
    """The access of a signed-in person who may see ``page``; otherwise a message and ``st.stop()``."""
    lang_ = lang()
    if not is_staff_server():
        st.warning(t("no_staff_here", lang_))
        st.stop()
    access = current_access()
    if access is None:
        st.info(t("not_signed_in", lang_))
        st.stop()
    if not access.sees(page):
        st.error(t("no_access", lang_))
        st.stop()
    return access


def account_box(access: Access) -> None:
    """Who is signed in, and the sign-out button (in the sidebar)."""
    lang_ = lang()
    ui.page_language(lang_)  # every staff page shows this box: its language and menu fix go with it
    with st.sidebar:
        st.markdown(t("signed_in_as", lang_, name=access.name, role=t("role." + access.role, lang_)))
        if access.gi:
            st.caption(t("signed_in_gi", lang_, gi=access.gi))
        st.button(t("sign_out", lang_), key="auth_sign_out", on_click=sign_out, icon=":material/logout:")


# --------------------------------------------------------------------------- downloads


def guarded(
    fn: Callable[[], Any],
    *,
    storage,
    signed: Any,
    what: str,
    detail: str | None = None,
    action: str | None = None,
    audit_with: Callable[[str], None] | None = None,
) -> Callable[[], Any]:
    """``fn`` that runs only while ``signed`` is a valid session (and may do ``action``); audited.

    Streamlit makes a download's file when the button is clicked, possibly
    long after the page was drawn: the check happens then.  The audit entry
    is an ``export`` of ``what``, or ``audit_with(actor name)`` when given
    (e.g. :func:`survey_app.auth.actions.letters_downloaded`).
    """

    def run():
        access, reason = validate(storage, signed)
        if access is None or (action is not None and not access.can(action)):
            raise PermissionError(f"download refused: {reason or 'not allowed'}")
        if audit_with is not None:
            audit_with(access.name)
        else:
            accounts.audit(storage, access.name, "export", what, detail)
        return fn()

    return run


def guard(
    fn: Callable[[], Any],
    what: str,
    *,
    detail: str | None = None,
    action: str | None = None,
    audit_with: Callable[[str], None] | None = None,
):
    """:func:`guarded` for the current session (call while the page runs)."""
    return guarded(
        fn,
        storage=ui.get_storage(),
        signed=st.session_state.get(SESSION_KEY),
        what=what,
        detail=detail,
        action=action,
        audit_with=audit_with,
    )


# --------------------------------------------------------------------------- the sign-in page


def _language_toggle() -> str:
    # here, not at the top: dashboard.context imports this module (circular)
    from survey_app.dashboard import context

    return context.language_toggle()


RESULT_KEY = "_auth_result"


def _on_sign_in() -> None:
    """The sign-in form's callback: runs before the page, so the typed password is wiped at once."""
    name = st.session_state.get("auth_name") or ""
    password = st.session_state.get("auth_password") or ""
    st.session_state["auth_password"] = ""
    result = accounts.sign_in(ui.get_storage(), name, password)
    if result.status == "ok":
        start_session(result.user)
    elif result.status == "change_password":
        st.session_state[PENDING_KEY] = PendingChange(result.user.name, result.user.session_version, accounts.now())
    elif result.status == "locked":
        st.session_state[RESULT_KEY] = ("sign_in_locked", result.minutes_left())
    else:
        st.session_state[RESULT_KEY] = ("sign_in_failed", 0)


def _on_new_password() -> None:
    """The new-password form's callback (after a temporary password)."""
    new = st.session_state.get("auth_new_password") or ""
    again = st.session_state.get("auth_new_password_again") or ""
    st.session_state["auth_new_password"] = st.session_state["auth_new_password_again"] = ""
    pending = st.session_state.get(PENDING_KEY)
    if not isinstance(pending, PendingChange):
        return
    if new != again:
        st.session_state[RESULT_KEY] = ("new_password_mismatch", 0)
        return
    if len(new) < accounts.MIN_PASSWORD_LENGTH:
        st.session_state[RESULT_KEY] = ("password_too_short", accounts.MIN_PASSWORD_LENGTH)
        return
    storage = ui.get_storage()
    try:
        user = accounts.change_own_password(storage, pending.name, pending.session_version, new)
    except UserNotFound:  # the account changed meanwhile: start again
        _clear()
        return
    except accounts.AccountError:
        st.session_state[RESULT_KEY] = ("new_password_same", 0)
        return
    start_session(user)


def _show_result(lang_: str) -> None:
    result = st.session_state.pop(RESULT_KEY, None)
    if not result:
        return
    key, number = result
    if key == "sign_in_locked":
        st.error(t(key, lang_, m=number), icon=":material/lock_clock:")
    elif key == "password_too_short":
        st.error(t(key, lang_, n=number), icon=":material/error:")
    else:
        st.error(t(key, lang_), icon=":material/error:")


def render_sign_in() -> None:
    """The sign-in form (the only page an anonymous visitor of the staff server gets)."""
    ui.inject_css()
    with st.sidebar:
        lang_ = _language_toggle()
    ui.page_language(lang_)
    st.title(t("sign_in_title", lang_))
    flash = st.session_state.pop(FLASH_KEY, None)
    if flash == "expired":
        st.info(t("sign_in_expired", lang_, m=int(IDLE.total_seconds() // 60)), icon=":material/schedule:")
    elif flash == "signed_out":
        st.success(t("sign_in_signed_out", lang_), icon=":material/logout:")
    pending = st.session_state.get(PENDING_KEY)
    if isinstance(pending, PendingChange) and accounts.now() - pending.started <= PENDING_TTL:
        _render_new_password(lang_)
        return
    st.session_state.pop(PENDING_KEY, None)
    st.write(t("sign_in_intro", lang_))
    with st.form("auth_form", clear_on_submit=True):
        st.text_input(t("name", lang_), key="auth_name", max_chars=64, autocomplete="username")
        st.text_input(
            t("password", lang_),
            type="password",
            key="auth_password",
            max_chars=accounts.MAX_PASSWORD_LENGTH,
            autocomplete="current-password",
        )
        st.form_submit_button(t("sign_in_button", lang_), type="primary", key="auth_submit", on_click=_on_sign_in)
    _show_result(lang_)
    st.caption(t("sign_in_reload_note", lang_))


def _render_new_password(lang_: str) -> None:
    st.subheader(t("new_password_title", lang_))
    st.write(t("new_password_intro", lang_, n=accounts.MIN_PASSWORD_LENGTH))
    with st.form("auth_new_password_form", clear_on_submit=True):
        for key, label in (("auth_new_password", "new_password"), ("auth_new_password_again", "new_password_again")):
            st.text_input(
                t(label, lang_),
                type="password",
                key=key,
                max_chars=accounts.MAX_PASSWORD_LENGTH,
                autocomplete="new-password",
            )
        st.form_submit_button(
            t("new_password_button", lang_), type="primary", key="auth_new_submit", on_click=_on_new_password
        )
    _show_result(lang_)
