"""Accounts and signed-in sessions for tests of the staff server.

``make_users(storage)`` makes one account per role (real argon2id hashes in the
real test database); ``sign_in(at, storage, name)`` puts that account's session
in an AppTest's session state, exactly the object the sign-in form stores, so
a page test starts signed in without typing.  ``staff_server(monkeypatch)``
makes the process a staff server (as ``survey-app serve --staff`` does).
"""

from __future__ import annotations

import datetime as dt

from survey_app.auth import accounts
from survey_app.auth.session import SESSION_KEY, SignedIn
from survey_app.web.mode import MODE_ENV, STAFF

PASSWORD = "een-lang-test-wachtwoord-42"
#: role -> (account name, institution)
ROLE_ACCOUNTS = {
    "beheerder": ("beheer", None),
    "inspecteur": ("inspectie", None),
    "gi": ("gi-jbn", "JBN"),
    "onderzoeker": ("onderzoek", None),
}


def staff_server(monkeypatch) -> None:
    monkeypatch.setenv(MODE_ENV, STAFF)


def staff_app_on(monkeypatch, data_dir, url: str, secret: str) -> None:
    """The staff app of this test process reads the database at ``url`` (AppTest pages)."""
    staff_server(monkeypatch)
    monkeypatch.setenv("SURVEY_DATA_DIR", str(data_dir))
    monkeypatch.setenv("SURVEY_DATABASE_URL", url)
    monkeypatch.setenv("SURVEY_SECRET_KEY", secret)


def make_users(storage, roles=tuple(ROLE_ACCOUNTS), password: str = PASSWORD) -> dict[str, str]:
    """One account per role (skipped when it exists); returns role -> account name."""
    out = {}
    for role in roles:
        name, gi = ROLE_ACCOUNTS[role]
        if storage.get_user(name) is None:
            accounts.add_user(storage, name, role=role, gi=gi, password=password, actor="test")
        out[role] = name
    return out


def session_for(storage, name: str, *, last_seen: dt.datetime | None = None) -> SignedIn:
    user = storage.get_user(name)
    assert user is not None, name
    return SignedIn(user.name, user.session_version, last_seen or accounts.now())


def sign_in(at, storage, name: str, **kw) -> None:
    """Put ``name``'s signed-in session in the AppTest ``at`` (before ``at.run()``)."""
    at.session_state[SESSION_KEY] = session_for(storage, name, **kw)
