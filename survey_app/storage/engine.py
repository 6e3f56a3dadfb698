"""Database URLs, engines and the settings every connection gets."""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.pool import StaticPool

from .errors import (
    StorageError,
)
from .files import private_dir, sqlite_error

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
DEFAULT_DATA_DIR = "./data"
SQLITE_FILE = "survey.sqlite"
BUSY_TIMEOUT_S = 30
ACCESS_MODES = ("open", "codes")
ROUND_STATUSES = ("open", "not_yet_open", "closed", "unknown")
CODE_RESULTS = ("valid", "used", "invalid")
ROUND_ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
MAX_NAME_LENGTH = 200
#: characters of a generated round id (lower-case letters and digits without look-alikes)
ROUND_ID_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
ROUND_ID_LENGTH = 10
_LOCK_NAMESPACE = 0x5E1F  # PostgreSQL advisory lock class for this app


# --------------------------------------------------------------------------- URLs and engines


def default_url() -> str:
    """``SURVEY_DATABASE_URL``, else the SQLite file in ``SURVEY_DATA_DIR`` (created)."""
    env = os.environ.get("SURVEY_DATABASE_URL", "").strip()
    if env:
        return env
    data_dir = private_dir(Path(os.environ.get("SURVEY_DATA_DIR", "").strip() or DEFAULT_DATA_DIR))
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
        engine = sa.create_engine(
            u, poolclass=StaticPool, connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_S}
        )
    else:
        private_dir(path.parent)
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
            # when a checkpoint resets the write-ahead log, cut the file to 0 bytes (old frames gone)
            cur.execute("PRAGMA journal_size_limit = 0")
        finally:
            cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        # writers take the write lock up front: no SQLITE_BUSY on lock upgrade
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("survey_write") else "BEGIN")

    @event.listens_for(engine, "handle_error")
    def _on_error(context):  # "unable to open", "malformed", "readonly": name the file
        named = sqlite_error(context.original_exception, path)
        if named is not None:
            return named

    return engine


def _postgres_engine(u: sa.URL) -> Engine:
    return sa.create_engine(u, pool_pre_ping=True)
