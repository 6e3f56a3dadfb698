"""Tables (SQLAlchemy models) and the values stored in them."""

from __future__ import annotations

import datetime as _dt
import logging
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from analysis import contract
from analysis.questionnaire import load_questionnaire
from analysis.scrub import scrub_text

from .engine import (
    MAX_NAME_LENGTH,
)
from .errors import (
    StorageError,
)

log = logging.getLogger(__name__)
# --------------------------------------------------------------------------- models

_NAMING = {
    "pk": "pk_%(table_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s",
    "ix": "ix_%(table_name)s_%(column_0_name)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
}


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=_NAMING)


#: byte-wise ordering on PostgreSQL too (same order as SQLite and Python)
_ResponseId = sa.String(36).with_variant(sa.String(36, collation="C"), "postgresql")


class Round(Base):
    __tablename__ = "rounds"
    __table_args__ = (
        sa.CheckConstraint("access IN ('open', 'codes')", name="access"),
        {"sqlite_with_rowid": False},
    )
    id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(MAX_NAME_LENGTH))
    gis: Mapped[str] = mapped_column(sa.String(400))  # comma-separated
    respondent_types: Mapped[str] = mapped_column(sa.String(100))  # comma-separated
    opens: Mapped[_dt.date | None] = mapped_column(sa.Date)
    closes: Mapped[_dt.date | None] = mapped_column(sa.Date)
    access: Mapped[str] = mapped_column(sa.String(8))
    questionnaire_version: Mapped[str] = mapped_column(sa.String(64))
    closed: Mapped[bool] = mapped_column(sa.Boolean, server_default=sa.false())
    # migration 0004 (rounds from the app): languages offered, archived
    languages: Mapped[str] = mapped_column(sa.String(16), server_default="nl,en")  # comma-separated
    archived: Mapped[bool] = mapped_column(sa.Boolean, server_default=sa.false())
    # migration 0008_variant (issue 12): the round offers the easy-read version
    easy_read: Mapped[bool] = mapped_column(sa.Boolean, server_default=sa.true())


class AccessCode(Base):
    """Every code ever issued, as HMAC-SHA256 hex; never modified after creation."""

    __tablename__ = "access_codes"
    __table_args__ = {"sqlite_with_rowid": False}
    code_hash: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    round_id: Mapped[str] = mapped_column(sa.String(64), sa.ForeignKey("rounds.id", ondelete="CASCADE"), index=True)


class UnusedCode(Base):
    """The codes not used yet; using a code deletes its row."""

    __tablename__ = "unused_codes"
    __table_args__ = {"sqlite_with_rowid": False}
    code_hash: Mapped[str] = mapped_column(
        sa.String(64), sa.ForeignKey("access_codes.code_hash", ondelete="CASCADE"), primary_key=True
    )


class SubmissionToken(Base):
    """SHA-256 of each submission token seen (double-submit protection); no link to the response."""

    __tablename__ = "submission_tokens"
    __table_args__ = {"sqlite_with_rowid": False}
    token_hash: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    round_id: Mapped[str] = mapped_column(sa.String(64), sa.ForeignKey("rounds.id", ondelete="CASCADE"), index=True)


class AppMeta(Base):
    """Facts about the database itself, key -> value (``code_key_fingerprint``); nothing about responses."""

    __tablename__ = "app_meta"
    __table_args__ = {"sqlite_with_rowid": False}
    key: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    value: Mapped[str] = mapped_column(sa.String(200))


#: app_meta key of the access-code key's fingerprint
KEY_FINGERPRINT = "code_key_fingerprint"


#: Staff roles (see :mod:`survey_app.auth.roles`); frozen in migration 0002.
ROLES = ("beheerder", "inspecteur", "gi", "onderzoeker")


class User(Base):
    """A staff account (sign-in to the staff server); never linked to respondents or responses.

    ``password_hash`` is an argon2id hash (:mod:`survey_app.auth.accounts`);
    ``failed_attempts``/``locked_until`` throttle sign-in across servers;
    ``session_version`` grows on every password, role or removal change, so
    open sessions of the account end; ``must_change`` asks for a new password
    at the next sign-in.  Times are UTC without zone.
    """

    __tablename__ = "users"
    __table_args__ = (
        sa.CheckConstraint("role IN ('beheerder', 'inspecteur', 'gi', 'onderzoeker')", name="role"),
        {"sqlite_with_rowid": False},
    )
    name: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    role: Mapped[str] = mapped_column(sa.String(16))
    gi: Mapped[str | None] = mapped_column(sa.String(contract.GI_MAX_LENGTH))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    must_change: Mapped[bool] = mapped_column(sa.Boolean)
    failed_attempts: Mapped[int] = mapped_column(sa.Integer)
    locked_until: Mapped[_dt.datetime | None] = mapped_column(sa.DateTime)
    session_version: Mapped[int] = mapped_column(sa.Integer)


class AuditEntry(Base):
    """One administrative action (sign-in, user and round changes, imports, exports).

    Staff actions only: never answers, response ids, access codes or anything
    that links to a response.  ``at`` is UTC, to the second.
    """

    __tablename__ = "audit_log"
    __table_args__ = {"sqlite_with_rowid": False}
    id: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    at: Mapped[_dt.datetime] = mapped_column(sa.DateTime, index=True)
    actor: Mapped[str] = mapped_column(sa.String(80))
    action: Mapped[str] = mapped_column(sa.String(32))
    target: Mapped[str | None] = mapped_column(sa.String(200))
    detail: Mapped[str | None] = mapped_column(sa.String(500))


def _in_codes(col: str, codes: Iterable[str]) -> str:
    """``col = 'a' OR col = 'b'``: SQLite builds a temporary table per row for ``IN (...)`` (migration 0007)."""
    return " OR ".join(f"{col} = '{c}'" for c in codes)


def _response_columns() -> list[sa.Column]:
    cols: list[sa.Column] = [
        sa.Column("response_id", _ResponseId, primary_key=True),
        sa.Column("round_id", sa.String(64), sa.ForeignKey("rounds.id"), nullable=False, index=True),
        sa.Column("gi", sa.String(contract.GI_MAX_LENGTH), nullable=False),
        sa.Column("respondent_type", sa.String(16), nullable=False),
        sa.Column("submitted_week", sa.String(8), nullable=False),
    ]
    for c in contract.ITEM_COLUMNS:
        if c in contract.INT_RANGES:
            cols.append(sa.Column(c, sa.Integer, nullable=True))
        elif c in contract.COMMENT_COLUMNS:
            cols.append(sa.Column(c, sa.Text, nullable=True))
        else:
            cols.append(sa.Column(c, sa.String(32), nullable=True))
    assert tuple(c.name for c in cols) == contract.COLUMNS
    # optional column of contract 1.1 (migration 0008_variant): which version was answered
    cols.append(sa.Column(contract.VARIANT_COLUMN, sa.String(16), nullable=True))
    return cols


def _response_checks() -> list[sa.CheckConstraint]:
    out = [sa.CheckConstraint("submitted_week LIKE '____-W__'", name="submitted_week")]
    for c, codes in contract.CODES.items():
        out.append(sa.CheckConstraint(_in_codes(c, codes), name=c))
    for c, (lo, hi) in contract.INT_RANGES.items():
        out.append(sa.CheckConstraint(f"{c} BETWEEN {lo} AND {hi}", name=c))
    out.append(sa.CheckConstraint(_in_codes(contract.VARIANT_COLUMN, contract.QUESTIONNAIRE_VARIANTS), name="variant"))
    return out


responses_table = sa.Table(
    "responses", Base.metadata, *_response_columns(), *_response_checks(), sqlite_with_rowid=False
)


class Response(Base):
    """One completed questionnaire: the contract columns and the optional ``questionnaire_variant``."""

    __table__ = responses_table


rounds_table: sa.Table = Round.__table__
codes_table: sa.Table = AccessCode.__table__
unused_table: sa.Table = UnusedCode.__table__
tokens_table: sa.Table = SubmissionToken.__table__
meta_table: sa.Table = AppMeta.__table__
users_table: sa.Table = User.__table__
audit_table: sa.Table = AuditEntry.__table__


# --------------------------------------------------------------------------- values


@dataclass(frozen=True)
class RoundInfo:
    id: str
    name: str
    gis: tuple[str, ...]
    respondent_types: tuple[str, ...]
    opens: _dt.date | None
    closes: _dt.date | None
    access: str  # 'open' | 'codes'
    questionnaire_version: str  # e.g. "gi-clientervaring@1"
    closed: bool
    languages: tuple[str, ...] = ("nl", "en")  # offered to respondents, first = default
    archived: bool = False
    easy_read: bool = True  # the easy-read version is offered (issue 12)

    def status(self, today: _dt.date | None = None) -> str:
        """'open', 'not_yet_open' or 'closed' on ``today`` (default: the local date)."""
        today = today or _dt.date.today()
        if self.closed or (self.closes is not None and today > self.closes):
            return "closed"
        if self.opens is not None and today < self.opens:
            return "not_yet_open"
        return "open"


def iso_week(day: _dt.date) -> str:
    """``YYYY-Www`` (ISO 8601 week, the only time stored with a response)."""
    y, w, _ = day.isocalendar()
    return f"{y:04d}-W{w:02d}"


def _round_info(row: Mapping[str, Any]) -> RoundInfo:
    return RoundInfo(
        id=row["id"],
        name=row["name"],
        gis=tuple(g for g in row["gis"].split(",") if g),
        respondent_types=tuple(t for t in row["respondent_types"].split(",") if t),
        opens=row["opens"],
        closes=row["closes"],
        access=row["access"],
        questionnaire_version=row["questionnaire_version"],
        closed=bool(row["closed"]),
        languages=tuple(x for x in (row.get("languages") or "nl,en").split(",") if x) or ("nl", "en"),
        archived=bool(row.get("archived") or False),
        easy_read=bool(row.get("easy_read", True)),
    )


def _as_date(v: Any, what: str) -> _dt.date | None:
    if v is None:
        return None
    if isinstance(v, _dt.datetime):
        return v.date()
    if isinstance(v, _dt.date):
        return v
    if isinstance(v, str):
        try:
            return _dt.date.fromisoformat(v.strip())
        except ValueError:
            pass
    raise StorageError(f"{what}: not a date (YYYY-MM-DD): {v!r}")


def _missing(v: Any) -> bool:
    if v is None or v is pd.NA:
        return True
    if isinstance(v, float) and math.isnan(v):
        return True
    return isinstance(v, str) and not v.strip()


def _py(v: Any) -> Any:
    """A pandas/numpy cell as a plain Python value for the driver."""
    if _missing(v):
        return None
    if hasattr(v, "item") and not isinstance(v, str):
        return v.item()
    return v


def _scrub(text: str | None) -> str | None:
    return scrub_text(text)


def _questionnaire():
    return load_questionnaire()
