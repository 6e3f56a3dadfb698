"""Staff accounts, the sign-in throttle and the audit log (SQL only).

Password hashing, roles and the sign-in rules live in :mod:`survey_app.auth`;
this mixin only stores and reads.  Nothing here touches responses, codes or
tokens, and no row refers to them.  Times are naive UTC datetimes.
"""

from __future__ import annotations

import datetime as _dt
import secrets
import time
from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa

from analysis.contract import GI_RE

from .errors import StorageError
from .schema import ROLES, audit_table, users_table

#: lengths of the audit columns (longer values are cut)
_AUDIT_LIMITS = {"actor": 80, "action": 32, "target": 200, "detail": 500}


class UserNotFound(StorageError):
    """No account with that name."""


class UserExists(StorageError):
    """An account with that name exists already."""


@dataclass(frozen=True)
class UserInfo:
    name: str
    role: str
    gi: str | None
    password_hash: str
    must_change: bool
    failed_attempts: int
    locked_until: _dt.datetime | None
    session_version: int


@dataclass(frozen=True)
class AuditRecord:
    at: _dt.datetime
    actor: str
    action: str
    target: str | None
    detail: str | None


def _user(row) -> UserInfo:
    return UserInfo(
        name=row["name"],
        role=row["role"],
        gi=row["gi"],
        password_hash=row["password_hash"],
        must_change=bool(row["must_change"]),
        failed_attempts=int(row["failed_attempts"]),
        locked_until=row["locked_until"],
        session_version=int(row["session_version"]),
    )


def _utc(t: _dt.datetime) -> _dt.datetime:
    """A naive UTC datetime, to the second (what the tables hold)."""
    if t.tzinfo is not None:
        t = t.astimezone(_dt.UTC).replace(tzinfo=None)
    return t.replace(microsecond=0)


def _cut(value: str | None, limit: int) -> str | None:
    if value is None:
        return None
    value = " ".join(str(value).split())
    return value[: limit - 1] + "…" if len(value) > limit else value


class AccountsMixin:
    """Methods of :class:`~survey_app.storage.store.Storage` for staff accounts and the audit log."""

    # ------------------------------------------------------------------ accounts

    def add_user(self, name: str, *, role: str, gi: str | None, password_hash: str, must_change: bool = False) -> None:
        """Store a new account (the name is checked by the caller); raises :class:`UserExists`."""
        if role not in ROLES:
            raise StorageError(f"role: use one of {', '.join(ROLES)}")
        if gi is not None and not GI_RE.fullmatch(gi):
            raise StorageError("gi: 1 to 10 letters or digits")
        with self._write() as conn:
            if conn.execute(sa.select(users_table.c.name).where(users_table.c.name == name)).first() is not None:
                raise UserExists(f"account '{name}' exists already")
            conn.execute(
                sa.insert(users_table).values(
                    name=name,
                    role=role,
                    gi=gi,
                    password_hash=password_hash,
                    must_change=bool(must_change),
                    failed_attempts=0,
                    locked_until=None,
                    # random start: a removed and re-made account never revives old sessions
                    session_version=secrets.randbelow(2**30),
                )
            )

    def get_user(self, name: str) -> UserInfo | None:
        """The account, or None."""
        with self._read() as conn:
            row = conn.execute(sa.select(users_table).where(users_table.c.name == name)).mappings().first()
        return None if row is None else _user(row)

    def list_users(self) -> list[UserInfo]:
        """Every account, by name."""
        with self._read() as conn:
            rows = conn.execute(sa.select(users_table).order_by(users_table.c.name)).mappings().all()
        return [_user(r) for r in rows]

    def count_users(self) -> int:
        with self._read() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(users_table)).scalar_one())

    def set_password_hash(self, name: str, password_hash: str, *, must_change: bool = False) -> None:
        """New password hash; clears the throttle and ends the account's open sessions."""
        self._update_user(
            name,
            password_hash=password_hash,
            must_change=bool(must_change),
            failed_attempts=0,
            locked_until=None,
            session_version=(users_table.c.session_version + 1) % (2**30),
        )

    def rehash_password(self, name: str, password_hash: str) -> None:
        """Replace the hash with a stronger one of the same password (sessions stay)."""
        self._update_user(name, password_hash=password_hash)

    def remove_user(self, name: str) -> None:
        """Delete the account; raises :class:`UserNotFound`."""
        with self._write() as conn:
            if conn.execute(sa.delete(users_table).where(users_table.c.name == name)).rowcount != 1:
                raise UserNotFound(f"account '{name}' does not exist")

    def _update_user(self, name: str, **values) -> None:
        with self._write() as conn:
            res = conn.execute(sa.update(users_table).where(users_table.c.name == name).values(**values))
            if res.rowcount != 1:
                raise UserNotFound(f"account '{name}' does not exist")

    # ------------------------------------------------------------------ sign-in throttle

    def record_sign_in_failure(
        self, name: str, *, now: _dt.datetime, free: int, lock_for
    ) -> tuple[int, _dt.datetime | None]:
        """Count a failed sign-in; returns (failures in a row, locked until or None).

        One write transaction, so servers sharing the database count together.
        ``lock_for(failures)`` gives the lock-out (a timedelta) once more than
        ``free - 1`` failures are counted.
        """
        with self._write(lock=f"user:{name}") as conn:
            res = conn.execute(
                sa.update(users_table)
                .where(users_table.c.name == name)
                .values(failed_attempts=users_table.c.failed_attempts + 1)
            )
            if res.rowcount != 1:
                return 0, None
            failures = int(
                conn.execute(sa.select(users_table.c.failed_attempts).where(users_table.c.name == name)).scalar_one()
            )
            until = None
            if failures >= free:
                until = _utc(now + lock_for(failures))
                conn.execute(sa.update(users_table).where(users_table.c.name == name).values(locked_until=until))
        return failures, until

    def clear_sign_in_failures(self, name: str) -> None:
        """A successful sign-in: the count starts again."""
        with self._write() as conn:
            conn.execute(
                sa.update(users_table)
                .where(users_table.c.name == name, users_table.c.failed_attempts != 0)
                .values(failed_attempts=0, locked_until=None)
            )

    # ------------------------------------------------------------------ audit log

    def audit(
        self,
        actor: str,
        action: str,
        target: str | None = None,
        detail: str | None = None,
        *,
        now: _dt.datetime | None = None,
    ) -> None:
        """Append one entry to the audit log (staff actions only; never answers or codes)."""
        now = now or _dt.datetime.now(_dt.UTC)
        with self._write() as conn:
            conn.execute(
                sa.insert(audit_table).values(
                    # sorts in the order of writing (entries of one second keep their order)
                    id=f"{time.time_ns():016x}{secrets.token_hex(8)}",
                    at=_utc(now),
                    actor=_cut(actor, _AUDIT_LIMITS["actor"]) or "?",
                    action=_cut(action, _AUDIT_LIMITS["action"]),
                    target=_cut(target, _AUDIT_LIMITS["target"]),
                    detail=_cut(detail, _AUDIT_LIMITS["detail"]),
                )
            )

    def list_audit(self, *, limit: int = 500, actions: Iterable[str] | None = None) -> list[AuditRecord]:
        """The newest ``limit`` audit entries (optionally of some ``actions``), newest first."""
        t = audit_table
        stmt = sa.select(t.c.at, t.c.actor, t.c.action, t.c.target, t.c.detail)
        if actions is not None:
            stmt = stmt.where(t.c.action.in_(list(actions)))
        stmt = stmt.order_by(t.c.at.desc(), t.c.id.desc()).limit(int(limit))
        with self._read() as conn:
            rows = conn.execute(stmt).all()
        return [AuditRecord(*r) for r in rows]
