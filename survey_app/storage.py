"""The storage layer: the only module that talks SQL (SQLAlchemy 2 + Alembic).

Database
--------
``Storage(url)`` opens ``url``; without it ``SURVEY_DATABASE_URL``; without that
the embedded SQLite file ``$SURVEY_DATA_DIR/survey.sqlite`` (``SURVEY_DATA_DIR``
defaults to ``./data`` and is created when missing).  PostgreSQL uses psycopg 3
(``postgresql+psycopg://user@host/db``; ``postgresql://`` and ``postgres://``
are rewritten to that).  Alembic migrations (``survey_app/migrations``) are
applied on start (``upgrade head``, programmatically, serialised between
processes by the SQLite write lock or a PostgreSQL advisory lock).

Every SQLite connection gets ``journal_mode=WAL``, ``busy_timeout=30000``,
``foreign_keys=ON``, ``synchronous=FULL`` and ``secure_delete=ON``; writes use
``BEGIN IMMEDIATE`` so concurrent writers queue on the busy timeout instead of
failing.

Tables (all of them; ``tests/test_anonymity.py`` pins the columns)
------------------------------------------------------------------
``rounds``            id, name, gis, respondent_types, opens, closes, access,
                      questionnaire_version, closed
``access_codes``      code_hash, round_id  -- every code ever issued (keyed hash)
``unused_codes``      code_hash            -- the codes not used yet
``submission_tokens`` token_hash, round_id -- SHA-256 of the form tokens seen
``responses``         exactly the contract columns (response_id first)

Anonymity
---------
* ``responses`` holds the contract columns and nothing else: no time finer
  than the ISO week, no session, no IP, no code.  ``response_id`` is a random
  UUID4 and the primary key; on SQLite the table is ``WITHOUT ROWID`` (rows sit
  in ``response_id`` order, there is no hidden insertion counter); on PostgreSQL
  there is no serial.  :meth:`Storage.load_responses` and exports are ordered
  by ``response_id``, never by insertion.
* Using a code **deletes** its row from ``unused_codes``; ``access_codes`` rows
  are never modified after the round is made.  So no code row carries a trace
  of when or in which transaction it was used (on PostgreSQL an ``UPDATE
  ... SET used`` would give the code row the same ``xmin`` transaction id as
  the response it unlocked).  Codes have no used_at and no link to responses.
* Physical order: PostgreSQL keeps new rows roughly in insertion order on
  disk (``ctid``) and stamps each with its transaction id (``xmin``), which
  grows with every submission.  :meth:`Storage.erase_insertion_order` rewrites
  the responses in one transaction in random-UUID order (afterwards all share
  one ``xmin``); on SQLite it runs ``VACUUM`` and truncates the WAL.  It runs
  automatically when a round is closed; run it regularly (e.g. nightly) while
  rounds are open.
* Limits: someone who can read the database *while* responses come in can
  watch a code disappear from ``unused_codes`` as a response appears; server
  logs with statement logging, WAL archives and backups taken during a round
  are outside what this module can clean.  Give database access only to
  administrators while a round is open.

Submissions
-----------
:meth:`Storage.submit_response` does everything in one transaction: round
open?, submission token new?, code unused (``DELETE FROM unused_codes WHERE
code_hash = :h`` and check the row count: atomic on SQLite and PostgreSQL)?,
then insert.  A second submission with the same ``submission_token`` (double
click, resent form, two tabs) raises :class:`DuplicateSubmission` and stores
nothing: **callers treat DuplicateSubmission as success** ("thank you" page).
The token must be a fresh random value per questionnaire (``uuid4().hex``),
never the access code or a session id; only its SHA-256 is stored.
"""

from __future__ import annotations

import datetime as _dt
import logging
import math
import os
import re
import secrets
import uuid
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.dialects import postgresql as pg_dialect
from sqlalchemy.dialects import sqlite as sqlite_dialect
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from analysis import contract
from analysis.frame import canonical_frame, empty_frame

from . import codes as _codes

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
DEFAULT_DATA_DIR = "./data"
SQLITE_FILE = "survey.sqlite"
BUSY_TIMEOUT_S = 30
ACCESS_MODES = ("open", "codes")
ROUND_STATUSES = ("open", "not_yet_open", "closed", "unknown")
CODE_RESULTS = ("valid", "used", "invalid")
ROUND_ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
GI_RE = re.compile(r"[A-Za-z0-9]{1,10}")
MAX_NAME_LENGTH = 200
#: characters of a generated round id (lower-case letters and digits without look-alikes)
ROUND_ID_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
ROUND_ID_LENGTH = 10
_LOCK_NAMESPACE = 0x5E1F  # PostgreSQL advisory lock class for this app


# --------------------------------------------------------------------------- errors


class StorageError(Exception):
    """Base class: something the caller can show to the user."""


class RoundNotFound(StorageError):
    """No round with that id."""


class RoundNotOpen(StorageError):
    """The round does not accept responses; ``status`` is 'not_yet_open' or 'closed'."""

    def __init__(self, round_id: str, status: str):
        self.round_id, self.status = round_id, status
        super().__init__(f"round '{round_id}' is not open ({status})")


class InvalidCode(StorageError):
    """The access code does not exist for this round (or is missing)."""


class CodeAlreadyUsed(StorageError):
    """The access code was used before."""


class DuplicateSubmission(StorageError):
    """This submission token was stored before: the response is already in.

    Callers treat it as success (show the thank-you page); nothing new is stored.
    """


class InvalidAnswers(StorageError):
    """The answers do not fit the questionnaire or the contract; ``problems`` lists why."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("invalid answers: " + "; ".join(self.problems))


class ImportRejected(StorageError):
    """A file was rejected whole; ``report`` is the :class:`analysis.validation.ValidationReport`."""

    def __init__(self, report):
        self.report = report
        shown = [e.text("en") for e in report.errors[:5]]
        more = report.n_errors - len(shown)
        text = f"{report.file}: rejected, {report.n_errors} error(s): " + "; ".join(shown)
        if more > 0:
            text += f"; ... and {more} more"
        super().__init__(text)


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


def _in_codes(col: str, codes: Iterable[str]) -> str:
    return f"{col} IN (" + ", ".join(f"'{c}'" for c in codes) + ")"


def _response_columns() -> list[sa.Column]:
    cols: list[sa.Column] = [
        sa.Column("response_id", _ResponseId, primary_key=True),
        sa.Column("round_id", sa.String(64), sa.ForeignKey("rounds.id"), nullable=False, index=True),
        sa.Column("gi", sa.String(10), nullable=False),
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
    return cols


def _response_checks() -> list[sa.CheckConstraint]:
    out = [sa.CheckConstraint("submitted_week LIKE '____-W__'", name="submitted_week")]
    for c, codes in contract.CODES.items():
        out.append(sa.CheckConstraint(_in_codes(c, codes), name=c))
    for c, (lo, hi) in contract.INT_RANGES.items():
        out.append(sa.CheckConstraint(f"{c} BETWEEN {lo} AND {hi}", name=c))
    return out


responses_table = sa.Table(
    "responses", Base.metadata, *_response_columns(), *_response_checks(), sqlite_with_rowid=False
)


class Response(Base):
    """One completed questionnaire: the contract columns, nothing else."""

    __table__ = responses_table


rounds_table: sa.Table = Round.__table__
codes_table: sa.Table = AccessCode.__table__
unused_table: sa.Table = UnusedCode.__table__
tokens_table: sa.Table = SubmissionToken.__table__


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
    from analysis.scrub import scrub_text

    return scrub_text(text)


def _questionnaire():
    from analysis.questionnaire import load_questionnaire

    return load_questionnaire()


# --------------------------------------------------------------------------- URLs and engines


def default_url() -> str:
    """``SURVEY_DATABASE_URL``, else the SQLite file in ``SURVEY_DATA_DIR`` (created)."""
    env = os.environ.get("SURVEY_DATABASE_URL", "").strip()
    if env:
        return env
    data_dir = Path(os.environ.get("SURVEY_DATA_DIR", "").strip() or DEFAULT_DATA_DIR)
    data_dir.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{(data_dir / SQLITE_FILE).resolve()}"


def _normalise_url(url: str) -> sa.URL:
    u = make_url(url)
    if u.drivername in ("postgresql", "postgres", "postgresql+psycopg2"):
        u = u.set(drivername="postgresql+psycopg")
    if u.get_backend_name() not in ("sqlite", "postgresql"):
        raise StorageError(f"unsupported database '{u.get_backend_name()}': use sqlite or postgresql")
    if u.get_backend_name() == "postgresql" and u.get_driver_name() != "psycopg":
        raise StorageError("PostgreSQL is used through psycopg 3: postgresql+psycopg://...")
    return u


def _sqlite_file(u: sa.URL) -> Path | None:
    db = u.database
    if not db or db == ":memory:" or db.startswith("file:") or "mode=memory" in str(u):
        return None
    return Path(db)


def _sqlite_engine(u: sa.URL) -> Engine:
    path = _sqlite_file(u)
    if path is None:
        from sqlalchemy.pool import StaticPool

        engine = sa.create_engine(
            u, poolclass=StaticPool, connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_S}
        )
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(u, connect_args={"timeout": BUSY_TIMEOUT_S})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):  # every new connection
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves (see _on_begin)
        cur = dbapi_conn.cursor()
        try:
            cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_S * 1000}")
            cur.execute("PRAGMA foreign_keys = ON")
            if path is not None:
                cur.execute("PRAGMA journal_mode = WAL")
            cur.execute("PRAGMA synchronous = FULL")
            cur.execute("PRAGMA secure_delete = ON")
        finally:
            cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        # writers take the write lock up front: no SQLITE_BUSY on lock upgrade
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("survey_write") else "BEGIN")

    return engine


def _postgres_engine(u: sa.URL) -> Engine:
    return sa.create_engine(u, pool_pre_ping=True)


# --------------------------------------------------------------------------- storage


class Storage:
    """Rounds, access codes and responses in SQLite or PostgreSQL (see the module docstring).

    Parameters
    ----------
    url : str, optional
        SQLAlchemy URL; default :func:`default_url`.
    migrate : bool
        Run the Alembic migrations up to head (default True).
    secret_key : bytes or str, optional
        Server secret for the code hashes; default from the environment or key
        file (:func:`survey_app.codes.load_secret_key`), read when first needed.
    """

    def __init__(self, url: str | None = None, *, migrate: bool = True, secret_key: bytes | str | None = None):
        u = _normalise_url(url or default_url())
        self.url: str = u.render_as_string(hide_password=True)
        self.dialect: str = u.get_backend_name()
        self._sqlite_path = _sqlite_file(u) if self.dialect == "sqlite" else None
        self.engine: Engine = _sqlite_engine(u) if self.dialect == "sqlite" else _postgres_engine(u)
        self._writer = self.engine.execution_options(survey_write=True)
        if isinstance(secret_key, str):
            secret_key = secret_key.encode("utf-8")
        if secret_key is not None and len(secret_key) < _codes.MIN_KEY_LENGTH:
            raise StorageError(f"secret_key must be at least {_codes.MIN_KEY_LENGTH} bytes")
        self._key: bytes | None = secret_key
        if migrate:
            self.migrate()

    def __repr__(self) -> str:
        return f"Storage({self.url!r})"

    def __enter__(self) -> Storage:
        return self

    def __exit__(self, *exc) -> None:
        self.dispose()

    def dispose(self) -> None:
        """Close all pooled connections."""
        self.engine.dispose()

    # ------------------------------------------------------------------ plumbing

    @contextmanager
    def _write(self, lock: str | None = None) -> Iterator[Connection]:
        """One write transaction (SQLite: BEGIN IMMEDIATE; PostgreSQL: optional advisory lock)."""
        with self._writer.begin() as conn:
            if lock is not None and self.dialect == "postgresql":
                conn.execute(
                    sa.text("SELECT pg_advisory_xact_lock(:ns, :k)"),
                    {"ns": _LOCK_NAMESPACE, "k": zlib.crc32(lock.encode()) & 0x7FFFFFFF},
                )
            yield conn

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        with self.engine.begin() as conn:
            yield conn

    def alembic_config(self, connection: Connection | None = None):
        """An Alembic Config for ``survey_app/migrations`` (no alembic.ini needed)."""
        from alembic.config import Config

        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
        cfg.set_main_option("path_separator", "os")
        if connection is not None:
            cfg.attributes["connection"] = connection
        return cfg

    def migrate(self, revision: str = "head") -> None:
        """Apply the Alembic migrations up to ``revision`` (serialised between processes)."""
        from alembic import command

        with self._write(lock="migrate") as conn:
            command.upgrade(self.alembic_config(conn), revision)

    def schema_revision(self) -> str | None:
        """The Alembic revision the database is at (None when never migrated)."""
        from alembic.runtime.migration import MigrationContext

        with self.engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()

    def _secret(self) -> bytes:
        if self._key is None:
            if self.dialect == "sqlite" and self._sqlite_path is None:
                self._key = secrets.token_bytes(32)  # in-memory database: the key lives as long as it
            else:
                if self._sqlite_path is not None:
                    key_file, create = self._sqlite_path.parent / _codes.KEY_FILE_NAME, True
                else:
                    data_dir = os.environ.get("SURVEY_DATA_DIR", "").strip() or DEFAULT_DATA_DIR
                    key_file, create = Path(data_dir) / _codes.KEY_FILE_NAME, False
                try:
                    self._key = _codes.load_secret_key(key_file=key_file, create=create)
                except _codes.SecretKeyError as exc:
                    raise StorageError(str(exc)) from exc
        return self._key

    # ------------------------------------------------------------------ rounds

    def create_round(
        self,
        *,
        name: str,
        gis: Iterable[str],
        respondent_types: Iterable[str] = contract.RESPONDENT_TYPES,
        opens: _dt.date | None = None,
        closes: _dt.date | None = None,
        access: str = "open",
        n_codes: int = 0,
        round_id: str | None = None,
    ) -> tuple[RoundInfo, list[str]]:
        """Create a round; returns it and the plain access codes (shown ONCE, only hashes are stored).

        ``round_id`` defaults to a random 10-character id (lower-case letters
        and digits, not sequential).  ``access='codes'`` needs ``n_codes`` codes
        (more can be added with :meth:`add_codes`); ``access='open'`` takes none.
        Raises StorageError for bad input or an existing id.
        """
        name = (name or "").strip() if isinstance(name, str) else ""
        if not name or len(name) > MAX_NAME_LENGTH:
            raise StorageError(f"name: give 1 to {MAX_NAME_LENGTH} characters")
        if isinstance(gis, str):
            gis = [gis]
        gi_list = list(dict.fromkeys(str(g).strip() for g in gis))
        bad = [g for g in gi_list if not GI_RE.fullmatch(g)]
        if not gi_list or bad:
            raise StorageError(
                f"gis: give one or more institution codes of 1 to 10 letters or digits"
                f"{' (not: ' + ', '.join(map(repr, bad)) + ')' if bad else ''}"
            )
        if isinstance(respondent_types, str):
            respondent_types = [respondent_types]
        types = list(dict.fromkeys(str(t).strip() for t in respondent_types))
        if not types or any(t not in contract.RESPONDENT_TYPES for t in types):
            raise StorageError(f"respondent_types: use one or more of {', '.join(contract.RESPONDENT_TYPES)}")
        types = [t for t in contract.RESPONDENT_TYPES if t in types]
        opens, closes = _as_date(opens, "opens"), _as_date(closes, "closes")
        if opens and closes and closes < opens:
            raise StorageError("closes is before opens")
        if access not in ACCESS_MODES:
            raise StorageError(f"access: use 'open' or 'codes', not {access!r}")
        if not isinstance(n_codes, int) or isinstance(n_codes, bool) or n_codes < 0:
            raise StorageError("n_codes must be a whole number >= 0")
        if access == "open" and n_codes:
            raise StorageError("codes only go with access='codes'")
        if round_id is not None:
            round_id = str(round_id).strip()
            if not ROUND_ID_RE.fullmatch(round_id):
                raise StorageError(
                    "round_id: 1 to 64 letters, digits, '-', '_' or '.', starting with a letter or digit"
                )
        key = self._secret() if n_codes else None
        with self._write() as conn:
            if round_id is None:
                while True:
                    round_id = "".join(secrets.choice(ROUND_ID_ALPHABET) for _ in range(ROUND_ID_LENGTH))
                    if conn.execute(sa.select(rounds_table.c.id).where(rounds_table.c.id == round_id)).first() is None:
                        break
            elif conn.execute(sa.select(rounds_table.c.id).where(rounds_table.c.id == round_id)).first() is not None:
                raise StorageError(f"round '{round_id}' already exists")
            conn.execute(
                sa.insert(rounds_table).values(
                    id=round_id,
                    name=name,
                    gis=",".join(gi_list),
                    respondent_types=",".join(types),
                    opens=opens,
                    closes=closes,
                    access=access,
                    questionnaire_version=_questionnaire().version_key,
                    closed=False,
                )
            )
            plain = self._insert_codes(conn, round_id, n_codes, key) if n_codes else []
            info = self._get_round(conn, round_id)
        return info, plain

    def add_codes(self, round_id: str, n: int) -> list[str]:
        """Issue ``n`` more codes for a round with access 'codes'; returns them (shown once)."""
        if not isinstance(n, int) or isinstance(n, bool) or n < 1:
            raise StorageError("n must be a whole number >= 1")
        key = self._secret()
        with self._write() as conn:
            info = self._get_round(conn, round_id)
            if info.access != "codes":
                raise StorageError(f"round '{round_id}' is open to everyone; it takes no codes")
            return self._insert_codes(conn, round_id, n, key)

    def _insert_codes(self, conn: Connection, round_id: str, n: int, key: bytes) -> list[str]:
        plain: list[str] = []
        hashes: set[str] = set()
        while len(plain) < n:
            batch = _codes.generate_codes(n - len(plain))
            cand = {_codes.hash_code(c, key): c for c in batch}
            cand = {h: c for h, c in cand.items() if h not in hashes}
            taken: set[str] = set()
            for chunk in _chunks(list(cand), 500):
                taken |= set(
                    conn.execute(sa.select(codes_table.c.code_hash).where(codes_table.c.code_hash.in_(chunk))).scalars()
                )
            for h, c in cand.items():
                if h not in taken:
                    hashes.add(h)
                    plain.append(c)
        rows = sorted(hashes)
        for chunk in _chunks(rows, 1000):
            conn.execute(sa.insert(codes_table), [{"code_hash": h, "round_id": round_id} for h in chunk])
            conn.execute(sa.insert(unused_table), [{"code_hash": h} for h in chunk])
        return plain

    def _get_round(self, conn: Connection, round_id: str) -> RoundInfo:
        row = conn.execute(sa.select(rounds_table).where(rounds_table.c.id == round_id)).mappings().first()
        if row is None:
            raise RoundNotFound(f"round '{round_id}' does not exist")
        return _round_info(row)

    def get_round(self, round_id: str) -> RoundInfo:
        """The round; raises :class:`RoundNotFound`."""
        with self._read() as conn:
            return self._get_round(conn, round_id)

    def list_rounds(self) -> list[RoundInfo]:
        """All rounds, newest opening date first (rounds without a date last), then by name."""
        with self._read() as conn:
            rows = conn.execute(sa.select(rounds_table)).mappings().all()
        out = [_round_info(r) for r in rows]
        out.sort(key=lambda r: (r.opens is None, -(r.opens.toordinal() if r.opens else 0), r.name, r.id))
        return out

    def close_round(self, round_id: str) -> RoundInfo:
        """Stop accepting responses; forgets the round's submission tokens and
        erases the physical insertion order (:meth:`erase_insertion_order`)."""
        with self._write() as conn:
            self._get_round(conn, round_id)
            conn.execute(sa.update(rounds_table).where(rounds_table.c.id == round_id).values(closed=True))
            conn.execute(sa.delete(tokens_table).where(tokens_table.c.round_id == round_id))
            info = self._get_round(conn, round_id)
        try:
            self.erase_insertion_order()
        except Exception as exc:  # e.g. no table owner rights on PostgreSQL: closing still counts
            log.warning("could not erase the insertion order after closing %s: %s", round_id, exc)
        return info

    def round_status(self, round_id: str, *, today: _dt.date | None = None) -> str:
        """'open' | 'not_yet_open' | 'closed' | 'unknown' (no such round)."""
        try:
            info = self.get_round(round_id)
        except RoundNotFound:
            return "unknown"
        return info.status(today)

    # ------------------------------------------------------------------ codes

    def check_code(self, round_id: str, code: str) -> str:
        """'valid' | 'used' | 'invalid' for a code typed by a respondent.

        Case, spaces and dashes do not matter.  A code of another round is 'invalid'.
        Checking does not use the code up; :meth:`submit_response` does.
        """
        norm = _codes.normalize_code(code)
        if norm is None:
            return "invalid"
        h = _codes.hash_code(norm, self._secret())
        stmt = (
            sa.select(codes_table.c.code_hash, unused_table.c.code_hash.label("unused"))
            .select_from(codes_table.outerjoin(unused_table, unused_table.c.code_hash == codes_table.c.code_hash))
            .where(codes_table.c.code_hash == h, codes_table.c.round_id == round_id)
        )
        with self._read() as conn:
            row = conn.execute(stmt).first()
        if row is None:
            return "invalid"
        return "valid" if row.unused is not None else "used"

    def count_codes(self, round_id: str) -> dict[str, int]:
        """``{'issued': n, 'unused': n, 'used': n}`` for a round."""
        with self._read() as conn:
            issued = conn.execute(
                sa.select(sa.func.count()).select_from(codes_table).where(codes_table.c.round_id == round_id)
            ).scalar_one()
            unused = conn.execute(
                sa.select(sa.func.count())
                .select_from(unused_table.join(codes_table, unused_table.c.code_hash == codes_table.c.code_hash))
                .where(codes_table.c.round_id == round_id)
            ).scalar_one()
        return {"issued": issued, "unused": unused, "used": issued - unused}

    # ------------------------------------------------------------------ responses

    def submit_response(
        self,
        round_id: str,
        answers: Mapping[str, Any],
        *,
        gi: str,
        respondent_type: str,
        code: str | None = None,
        submission_token: str,
        today: _dt.date | None = None,
    ) -> str:
        """Store one completed questionnaire; returns its new response_id (UUID4).

        One transaction: the round must be open (:class:`RoundNotOpen` with
        ``.status``); the token must be new (else :class:`DuplicateSubmission`,
        which the caller treats as success: the earlier submission is stored);
        for a round with codes the code must be valid (:class:`InvalidCode`) and
        unused (:class:`CodeAlreadyUsed`) and is used up; the answers must fit
        the questionnaire (:class:`InvalidAnswers`).  On any error nothing is
        stored and the code stays unused.  For an open round ``code`` is ignored.

        ``answers`` maps item ids (contract columns ``measure_type`` ..
        ``comment_improve``) to codes / whole numbers / text; missing or empty
        means not answered.  Answers to items the questionnaire hides (its
        ``show_if``) are dropped.  Free text is scrubbed of contact details.
        ``submitted_week`` is the ISO week of ``today`` (default: the local
        date); no finer time is kept anywhere.
        """
        today = today or _dt.date.today()
        try:
            token_hash = _codes.hash_token(submission_token)
        except ValueError as exc:
            raise StorageError(str(exc)) from None
        info = self.get_round(round_id)
        if info.status(today) != "open":
            raise RoundNotOpen(round_id, info.status(today))
        # validate and scrub before taking the write lock (keeps the locked part short)
        row = self._validate_answers(info, answers, gi=gi, respondent_type=respondent_type, week=iso_week(today))
        with self._write() as conn:
            info = self._get_round(conn, round_id)  # again, inside the transaction: closed meanwhile?
            status = info.status(today)
            if status != "open":
                raise RoundNotOpen(round_id, status)
            ins = (
                _insert_ignore(self.dialect, tokens_table)
                .values(token_hash=token_hash, round_id=round_id)
                .returning(tokens_table.c.token_hash)
            )
            if conn.execute(ins).first() is None:  # the token was there already
                raise DuplicateSubmission("this questionnaire was already submitted")
            if info.access == "codes":
                self._use_code(conn, round_id, code)
            conn.execute(sa.insert(responses_table).values(**row))
        return row["response_id"]

    def _use_code(self, conn: Connection, round_id: str, code: str | None) -> None:
        norm = _codes.normalize_code(code) if code is not None else None
        if norm is None:
            raise InvalidCode("a valid access code is needed for this round")
        h = _codes.hash_code(norm, self._secret())
        used = conn.execute(
            sa.delete(unused_table).where(
                unused_table.c.code_hash == h,
                unused_table.c.code_hash.in_(
                    sa.select(codes_table.c.code_hash).where(codes_table.c.round_id == round_id)
                ),
            )
        )
        if used.rowcount == 1:
            return
        exists = conn.execute(
            sa.select(codes_table.c.code_hash).where(codes_table.c.code_hash == h, codes_table.c.round_id == round_id)
        ).first()
        if exists is None:
            raise InvalidCode("unknown access code")
        raise CodeAlreadyUsed("this access code was used before")

    def _validate_answers(
        self, info: RoundInfo, answers: Mapping[str, Any], *, gi: str, respondent_type: str, week: str
    ) -> dict[str, Any]:
        if not isinstance(answers, Mapping):
            raise InvalidAnswers(["answers must be a mapping of item id to answer"])
        problems: list[str] = []
        unknown = sorted(str(k) for k in answers if k not in contract.ITEM_COLUMNS)
        if unknown:
            problems.append(f"unknown items: {', '.join(unknown)}")
        if gi not in info.gis:
            problems.append(f"gi {gi!r} is not part of round '{info.id}' ({', '.join(info.gis)})")
        if respondent_type not in info.respondent_types:
            problems.append(f"respondent_type {respondent_type!r} is not part of round '{info.id}'")
        q = _questionnaire()
        values: dict[str, Any] = {}
        for c in contract.ITEM_COLUMNS:
            v = answers.get(c)
            if _missing(v):
                values[c] = None
            elif c in contract.INT_RANGES:
                if isinstance(v, bool) or not isinstance(_py(v), (int, str)):
                    problems.append(f"{c}: not a whole number: {v!r}")
                    values[c] = None
                else:
                    try:
                        values[c] = int(str(_py(v)).strip())
                    except ValueError:
                        problems.append(f"{c}: not a whole number: {v!r}")
                        values[c] = None
            elif not isinstance(v, str):
                problems.append(f"{c}: expected text, got {type(v).__name__}")
                values[c] = None
            else:
                values[c] = v.strip()
        # items the respondent did not see (show_if) carry no answer
        for item in q.items:
            if item.id in values and not item.is_shown(values):
                values[item.id] = None
        for item in q.items:
            if item.id not in values:
                continue
            if item.required and item.is_shown(values) and values[item.id] is None:
                problems.append(f"{item.id}: an answer is required")
            if (
                item.type == "text"
                and values[item.id] is not None
                and item.max_length
                and len(values[item.id]) > item.max_length
            ):
                problems.append(f"{item.id}: longer than {item.max_length} characters")
        row = {
            "response_id": str(uuid.uuid4()),
            "round_id": info.id,
            "gi": gi,
            "respondent_type": respondent_type,
            "submitted_week": week,
            **values,
        }
        # the contract's codes and ranges (plain Python: analysis.validation.validate_frame
        # costs ~50 ms per call, too slow for every submission)
        for c, v in values.items():
            if v is None:
                continue
            if c in contract.CODES and v not in contract.CODES[c]:
                problems.append(f"{c}: {v!r} is not one of {', '.join(contract.CODES[c])}")
            elif c in contract.INT_RANGES and not contract.INT_RANGES[c][0] <= v <= contract.INT_RANGES[c][1]:
                lo, hi = contract.INT_RANGES[c]
                problems.append(f"{c}: {v} is outside {lo}..{hi}")
        if problems:
            raise InvalidAnswers(problems)
        for c in contract.COMMENT_COLUMNS:
            row[c] = _scrub(row[c])
        return row

    def count_responses(self, round_id: str | None = None) -> int:
        """Number of stored responses (of one round, or all)."""
        stmt = sa.select(sa.func.count()).select_from(responses_table)
        if round_id is not None:
            stmt = stmt.where(responses_table.c.round_id == round_id)
        with self._read() as conn:
            return int(conn.execute(stmt).scalar_one())

    def load_responses(
        self, *, round_ids: Iterable[str] | str | None = None, gis: Iterable[str] | str | None = None
    ) -> pd.DataFrame:
        """The responses as the canonical frame (:func:`analysis.frame.canonical_frame`).

        Rows are ordered by ``response_id`` (random UUIDs), never by insertion.
        ``round_ids`` / ``gis`` (a value or a list) restrict the rows.
        """
        t = responses_table
        stmt = sa.select(*[t.c[c] for c in contract.COLUMNS])
        for col, want in (("round_id", round_ids), ("gi", gis)):
            if want is None:
                continue
            vals = [want] if isinstance(want, str) else list(want)
            stmt = stmt.where(t.c[col].in_(vals)) if vals else stmt.where(sa.false())
        stmt = stmt.order_by(t.c.response_id)
        with self._read() as conn:
            rows = conn.execute(stmt).all()
        if not rows:
            return empty_frame()
        return canonical_frame(pd.DataFrame.from_records(rows, columns=list(contract.COLUMNS)))

    # ------------------------------------------------------------------ import / export

    def import_responses(self, path_or_df, *, round_id: str, file: str | None = None) -> int:
        """Import a contract response file (CSV/XLSX/SAV/Parquet path or upload) or
        DataFrame into an existing round, all or nothing; returns the number of rows.

        Every row's ``round_id`` must equal ``round_id`` (rows naming another
        round are rejected, rule ``wrong_round``; nothing is rewritten), its
        ``gi`` and ``respondent_type`` must belong to the round (rules
        ``gi_not_in_round``, ``respondent_type_not_in_round``), and a
        ``response_id`` already stored is a ``duplicate_id``.  Any error raises
        :class:`ImportRejected` carrying the ValidationReport; nothing is
        stored.  Free text is scrubbed as in :meth:`submit_response`.  Columns
        beyond the contract are not stored.  Closed rounds accept imports
        (e.g. paper questionnaires entered later).
        """
        from analysis.io import read_responses
        from analysis.validation import ValidationReport, validate_frame

        info = self.get_round(round_id)
        if isinstance(path_or_df, pd.DataFrame):
            frame, report = validate_frame(path_or_df, file=file or "<data>")
        else:
            frame, report = read_responses(path_or_df, file=file)
        if not report.ok:
            raise ImportRejected(report)
        frame = frame.reset_index(drop=True)
        src_rows = frame.attrs.get("source_rows")
        rows = (
            list(src_rows) if src_rows is not None and len(src_rows) == len(frame) else list(range(2, len(frame) + 2))
        )
        errors = _round_errors(report.file, frame, info, rows)
        if errors:
            raise ImportRejected(
                ValidationReport(
                    file=report.file,
                    errors=errors[:1000],
                    warnings=report.warnings,
                    n_rows=report.n_rows,
                    n_errors=len(errors),
                )
            )
        if frame.empty:
            return 0
        frame = frame[list(contract.COLUMNS)]
        for c in contract.COMMENT_COLUMNS:
            frame[c] = frame[c].map(_scrub, na_action="ignore").astype("string")
        with self._write() as conn:
            dups = self._duplicate_errors(conn, report.file, frame, rows)
            if dups:
                raise ImportRejected(
                    ValidationReport(
                        file=report.file,
                        errors=dups[:1000],
                        warnings=report.warnings,
                        n_rows=report.n_rows,
                        n_errors=len(dups),
                    )
                )
            self._insert_frame(conn, frame)
        return len(frame)

    def _duplicate_errors(self, conn: Connection, file: str, frame: pd.DataFrame, rows: list[int]) -> list:
        from analysis.validation import ErrorRecord

        ids = frame["response_id"].tolist()
        found: set[str] = set()
        for chunk in _chunks(ids, 500):
            found |= set(
                conn.execute(
                    sa.select(responses_table.c.response_id).where(responses_table.c.response_id.in_(chunk))
                ).scalars()
            )
        return [
            ErrorRecord(
                file,
                rows[i],
                "response_id",
                rid,
                "duplicate_id",
                f"response_id '{rid}' is already in the database.",
                f"response_id '{rid}' staat al in de database.",
            )
            for i, rid in enumerate(ids)
            if rid in found
        ]

    def _insert_frame(self, conn: Connection, frame: pd.DataFrame) -> None:
        # sorted by response_id: the physical order of a bulk insert says nothing either
        frame = frame.sort_values("response_id", kind="stable")
        cols = list(contract.COLUMNS)
        records = [{c: _py(v) for c, v in zip(cols, rec)} for rec in frame.itertuples(index=False, name=None)]
        for chunk in _chunks(records, 1000):
            conn.execute(sa.insert(responses_table), chunk)

    def export_responses(self, *, round_id: str | None, path, format: str | None = None) -> Path:
        """Write a round's responses (all rounds for None) with :func:`analysis.io.write_responses`
        (csv, xlsx, sav or parquet; default from the extension), rows in response_id order."""
        from analysis.io import write_responses

        if round_id is not None:
            self.get_round(round_id)
        df = self.load_responses(round_ids=[round_id] if round_id is not None else None)
        try:
            return Path(write_responses(df, path, format=format))
        except ValueError as exc:
            raise StorageError(str(exc)) from exc

    def ensure_demo_round(self, frame_factory: Callable[[], pd.DataFrame]) -> RoundInfo | None:
        """When the database holds no responses at all, create the open round
        ``demo-synthetisch-2025`` (all five GIs) and import ``frame_factory()`` into it.

        Returns the demo round, or None when there were responses already.
        Safe when several processes start at once (only one imports).  The
        frame's ``round_id`` column is set to the demo round.
        """
        if self.count_responses() > 0:
            return None
        frame = frame_factory().copy()
        frame["round_id"] = contract.DEMO_ROUND_ID
        from analysis.validation import validate_frame

        frame, report = validate_frame(frame, file="demo")
        if not report.ok:
            raise ImportRejected(report)
        for c in contract.COMMENT_COLUMNS:
            frame[c] = frame[c].map(_scrub, na_action="ignore").astype("string")
        with self._write(lock="demo") as conn:
            if conn.execute(sa.select(sa.func.count()).select_from(responses_table)).scalar_one() > 0:
                return None
            if (
                conn.execute(sa.select(rounds_table.c.id).where(rounds_table.c.id == contract.DEMO_ROUND_ID)).first()
                is None
            ):
                conn.execute(
                    sa.insert(rounds_table).values(
                        id=contract.DEMO_ROUND_ID,
                        name="Demo: synthetische gegevens 2025 / synthetic data 2025",
                        gis=",".join(contract.GI_CODES),
                        respondent_types=",".join(contract.RESPONDENT_TYPES),
                        opens=None,
                        closes=None,
                        access="open",
                        questionnaire_version=_questionnaire().version_key,
                        closed=False,
                    )
                )
            info = self._get_round(conn, contract.DEMO_ROUND_ID)
            errors = _round_errors("demo", frame, info, list(range(2, len(frame) + 2)))
            if errors:
                from analysis.validation import ValidationReport

                raise ImportRejected(
                    ValidationReport(file="demo", errors=errors[:1000], n_rows=len(frame), n_errors=len(errors))
                )
            self._insert_frame(conn, frame[list(contract.COLUMNS)])
        return info

    # ------------------------------------------------------------------ maintenance

    def erase_insertion_order(self) -> None:
        """Remove physical traces of the order in which responses were stored.

        PostgreSQL: in one transaction the responses are copied out, the table
        is truncated (a new, empty data file) and the rows are written back in
        ``response_id`` order.  Afterwards every response has the same ``xmin``
        (the transaction id PostgreSQL stamps on a row, which otherwise grows
        with each submission) and the physical order (``ctid``) is the random
        UUID order.  Then ``VACUUM (FREEZE, ANALYZE)`` removes the dead rows of
        used codes and tokens.  Needs table-owner rights; blocks submissions
        for the moment it takes (about a second per 100,000 responses).
        SQLite: ``VACUUM`` (rebuilds the file in key order; the tables are
        WITHOUT ROWID already) and a WAL checkpoint that truncates the WAL.

        Runs automatically in :meth:`close_round`; run it regularly (e.g.
        nightly) while rounds are open.  It cannot clean server logs, WAL
        archives or backups made before it ran.
        """
        if self.dialect == "postgresql":
            cols = ", ".join(contract.COLUMNS)
            with self._write(lock="erase") as conn:
                conn.exec_driver_sql("LOCK TABLE responses IN ACCESS EXCLUSIVE MODE")
                conn.exec_driver_sql(
                    f"CREATE TEMPORARY TABLE survey_reorder ON COMMIT DROP AS SELECT {cols} FROM responses"
                )
                conn.exec_driver_sql("TRUNCATE responses")
                conn.exec_driver_sql(
                    f"INSERT INTO responses ({cols}) SELECT {cols} FROM survey_reorder ORDER BY response_id"
                )
            with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql(
                    "VACUUM (FREEZE, ANALYZE) responses, unused_codes, access_codes, submission_tokens"
                )
        else:
            raw = self.engine.raw_connection()
            try:
                cur = raw.cursor()
                cur.execute("VACUUM")
                if self._sqlite_path is not None:
                    cur.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                cur.close()
            finally:
                raw.close()


# --------------------------------------------------------------------------- helpers


def _chunks(seq: list, size: int) -> Iterator[list]:
    for i in range(0, len(seq), size):
        yield seq[i : i + size]


def _insert_ignore(dialect: str, table: sa.Table):
    """INSERT ... ON CONFLICT DO NOTHING (with RETURNING: no row when the key exists)."""
    mod = pg_dialect if dialect == "postgresql" else sqlite_dialect
    return mod.insert(table).on_conflict_do_nothing()


def _round_errors(file: str, frame: pd.DataFrame, info: RoundInfo, rows: list[int]) -> list:
    """Rows that do not belong in ``info``: another round_id, a gi or respondent_type outside the round."""
    from analysis.validation import ErrorRecord

    out = []
    checks = (
        (
            "round_id",
            "wrong_round",
            (info.id,),
            "round_id {v!r} is not the round being imported into ('" + info.id + "').",
            "round_id {v!r} is niet de ronde waarin wordt ingelezen ('" + info.id + "').",
        ),
        (
            "gi",
            "gi_not_in_round",
            info.gis,
            "gi {v!r} is not part of round '" + info.id + "' (" + ", ".join(info.gis) + ").",
            "gi {v!r} hoort niet bij ronde '" + info.id + "' (" + ", ".join(info.gis) + ").",
        ),
        (
            "respondent_type",
            "respondent_type_not_in_round",
            info.respondent_types,
            "respondent_type {v!r} is not part of round '" + info.id + "'.",
            "respondent_type {v!r} hoort niet bij ronde '" + info.id + "'.",
        ),
    )
    for col, rule, allowed, en, nl in checks:
        s = frame[col]
        bad = (~s.isin(list(allowed))).fillna(True).to_numpy()
        for i in bad.nonzero()[0]:
            v = s.iloc[i]
            v = None if v is pd.NA else str(v)
            out.append(ErrorRecord(file, rows[i], col, v, rule, en.format(v=v), nl.format(v=v)))
    out.sort(key=lambda e: e.row)
    return out
