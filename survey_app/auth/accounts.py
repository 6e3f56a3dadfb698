"""Staff accounts: argon2id password hashes, sign-in with throttling, and the audited admin actions.

No streamlit here: the CLI (``survey-app user ...``) and the staff server
(:mod:`survey_app.auth.session`) both call these functions, which call the
storage layer for every read and write.

* Passwords are hashed with argon2id (argon2-cffi's :class:`PasswordHasher`,
  RFC 9106 low-memory profile); a hash made with weaker parameters is
  replaced at the next good sign-in.  At least :data:`MIN_PASSWORD_LENGTH`
  characters.  There is no default password anywhere.
* Throttling per account, in the database (so every server counts together):
  after :data:`FREE_ATTEMPTS` failures in a row the account is locked for
  30 s, then 60 s, 2 min, ... (doubling, at most :data:`MAX_LOCK`).  While
  it is locked no password is checked; a good sign-in resets the count.
* Every sign-in, failed sign-in, account change, round change, import and
  export is written to the audit log (:func:`audit`).
* The clock is :func:`now` (UTC); tests replace ``accounts._clock``.
"""

from __future__ import annotations

import datetime as _dt
import getpass
import re
from dataclasses import dataclass
from functools import lru_cache

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from analysis.contract import GI_RE
from survey_app.storage import StorageError, UserExists, UserInfo, UserNotFound
from survey_app.storage.schema import ROLES

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024
FREE_ATTEMPTS = 5
FIRST_LOCK = _dt.timedelta(seconds=30)
MAX_LOCK = _dt.timedelta(hours=1)
NAME_RE = re.compile(r"[a-z0-9][a-z0-9._-]{1,63}")

#: the audit actions (texts in survey_app.auth.texts: "action_<name>")
AUDIT_ACTIONS = (
    "sign_in",
    "sign_in_failed",
    "sign_out",
    "session_expired",
    "password_changed",
    "user_add",
    "user_passwd",
    "user_remove",
    "round_create",
    "round_close",
    "round_codes",
    # running a round from the app (issue 11); labels: rounds.audit_action.<name>
    "round_dates",
    "round_national",
    "round_languages",
    "round_easy_read",  # issue 12: the round offers the easy-read version or not; label: a11y2.audit_action.*
    "round_reopen",
    "round_archive",
    "round_unarchive",
    "round_invitations",
    "letters_made",
    "letters_download",
    "reminders_made",
    "reminders_download",
    "import",
    "import_refused",
    "export",
)


class AccountError(StorageError):
    """Bad input for an account (name, role, institution, password)."""


def _clock() -> _dt.datetime:
    return _dt.datetime.now(_dt.UTC)


def now() -> _dt.datetime:
    """The current time, UTC (tests replace ``_clock``)."""
    return _clock()


def _naive(t: _dt.datetime) -> _dt.datetime:
    return t.astimezone(_dt.UTC).replace(tzinfo=None) if t.tzinfo else t


@lru_cache(maxsize=1)
def hasher() -> PasswordHasher:
    """argon2id with argon2-cffi's defaults (RFC 9106 low-memory: t=3, m=64 MiB, p=4)."""
    return PasswordHasher(type=Type.ID)


def hash_password(password: str) -> str:
    check_password(password)
    return hasher().hash(password)


def check_password(password: str) -> None:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"password: use at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise AccountError(f"password: at most {MAX_PASSWORD_LENGTH} characters")


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return hasher().verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    # verified against for unknown names, so they take as long as known ones
    return hasher().hash("not-a-password-of-anyone")


def check_name(name: str) -> str:
    name = (name or "").strip().lower() if isinstance(name, str) else ""
    if not NAME_RE.fullmatch(name):
        raise AccountError("name: 2 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit")
    return name


def check_role(role: str, gi: str | None) -> tuple[str, str | None]:
    if role not in ROLES:
        raise AccountError(f"role: use one of {', '.join(ROLES)}")
    gi = gi.strip() if isinstance(gi, str) and gi.strip() else None
    if role == "gi":
        if gi is None or not GI_RE.fullmatch(gi):
            raise AccountError("role gi needs --gi CODE (the institution, 1 to 10 letters or digits)")
    elif gi is not None:
        raise AccountError(f"--gi only goes with role gi, not with {role}")
    return role, gi


def lock_for(failures: int) -> _dt.timedelta:
    """Lock-out after ``failures`` failures in a row (>= FREE_ATTEMPTS): 30 s, doubling, at most an hour."""
    steps = max(0, failures - FREE_ATTEMPTS)
    return min(FIRST_LOCK * (2 ** min(steps, 20)), MAX_LOCK)


def cli_actor() -> str:
    """Who acts on the command line, for the audit log."""
    try:
        return f"cli:{getpass.getuser()}"
    except Exception:  # no user name in this environment
        return "cli"


def audit(storage, actor: str, action: str, target: str | None = None, detail: str | None = None) -> None:
    """Write one audit entry at :func:`now`."""
    if action not in AUDIT_ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    storage.audit(actor, action, target, detail, now=now())


# --------------------------------------------------------------------------- account management


def add_user(
    storage, name: str, *, role: str, gi: str | None = None, password: str, temporary: bool = False, actor: str
) -> UserInfo:
    """Make an account; ``temporary``: a new password must be chosen at the first sign-in."""
    name = check_name(name)
    role, gi = check_role(role, gi)
    try:
        storage.add_user(name, role=role, gi=gi, password_hash=hash_password(password), must_change=temporary)
    except UserExists as exc:
        raise AccountError(str(exc)) from exc
    audit(storage, actor, "user_add", name, f"role={role}" + (f" gi={gi}" if gi else ""))
    return storage.get_user(name)


def set_password(storage, name: str, password: str, *, temporary: bool = False, actor: str) -> None:
    """A new password (the account's sessions end, its lock-out is lifted)."""
    name = check_name(name)
    storage.set_password_hash(name, hash_password(password), must_change=temporary)
    audit(storage, actor, "password_changed" if actor == name else "user_passwd", name)


def remove_user(storage, name: str, *, actor: str) -> None:
    name = check_name(name)
    storage.remove_user(name)
    audit(storage, actor, "user_remove", name)


# --------------------------------------------------------------------------- sign-in


@dataclass(frozen=True)
class SignInResult:
    """``status``: 'ok' | 'change_password' (temporary password) | 'failed' | 'locked'."""

    status: str
    user: UserInfo | None = None
    locked_until: _dt.datetime | None = None

    @property
    def ok(self) -> bool:
        return self.status in ("ok", "change_password")

    def minutes_left(self, at: _dt.datetime | None = None) -> int:
        if self.locked_until is None:
            return 0
        left = self.locked_until - _naive(at or now())
        return max(1, -(-int(left.total_seconds()) // 60))


def sign_in(storage, name: str, password: str) -> SignInResult:
    """Check a name and password, with the per-account throttle; every outcome is audited.

    The message for an unknown name and a wrong password is the same.
    """
    at = now()
    raw_name = name.strip().lower() if isinstance(name, str) else ""
    password = password if isinstance(password, str) else ""
    user = storage.get_user(raw_name) if NAME_RE.fullmatch(raw_name) else None
    if user is None:
        verify_password(_dummy_hash(), password)  # same time as a known name
        audit(storage, "?", "sign_in_failed", None, "unknown name")
        return SignInResult("failed")
    if user.locked_until is not None and user.locked_until > _naive(at):
        audit(storage, user.name, "sign_in_failed", user.name, "locked")
        return SignInResult("locked", locked_until=user.locked_until)
    if len(password) > MAX_PASSWORD_LENGTH or not verify_password(user.password_hash, password):
        failures, until = storage.record_sign_in_failure(user.name, now=at, free=FREE_ATTEMPTS, lock_for=lock_for)
        audit(storage, user.name, "sign_in_failed", user.name, f"wrong password ({failures} in a row)")
        if until is not None:
            return SignInResult("locked", locked_until=until)
        return SignInResult("failed")
    storage.clear_sign_in_failures(user.name)
    if hasher().check_needs_rehash(user.password_hash):
        storage.rehash_password(user.name, hasher().hash(password))
    user = storage.get_user(user.name)
    if user.must_change:
        return SignInResult("change_password", user=user)
    audit(storage, user.name, "sign_in", user.name, f"role={user.role}")
    return SignInResult("ok", user=user)


def change_own_password(storage, name: str, session_version: int, new_password: str) -> UserInfo:
    """Choose a new password right after signing in with a temporary one; returns the account.

    ``session_version`` is the account's version at that sign-in: when the
    account changed meanwhile (another password set, removed) nothing happens.
    """
    check_password(new_password)
    user = storage.get_user(name)
    if user is None or user.session_version != session_version:
        raise UserNotFound("the account changed meanwhile; sign in again")
    if verify_password(user.password_hash, new_password):
        raise AccountError("choose a password other than the temporary one")
    set_password(storage, name, new_password, actor=name)
    user = storage.get_user(name)
    audit(storage, name, "sign_in", name, f"role={user.role}")
    return user
