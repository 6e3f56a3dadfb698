"""The Storage class: rounds, access codes and responses in SQLite or PostgreSQL."""

from __future__ import annotations

import datetime as _dt
import logging
import os
import secrets
import threading
import uuid
import zlib
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection, Engine

from analysis import aggregate, contract, i18n
from analysis.answers import check_answers
from analysis.frame import canonical_frame, empty_frame
from analysis.validation import gi_rule

from . import codes as _codes
from .accounts import AccountsMixin
from .counts import CountsMixin
from .drafts import DraftsMixin, draft_token_hash, drafts_table
from .engine import (
    _LOCK_NAMESPACE,
    ACCESS_MODES,
    DEFAULT_DATA_DIR,
    MAX_NAME_LENGTH,
    MIGRATIONS_DIR,
    ROUND_ID_ALPHABET,
    ROUND_ID_LENGTH,
    ROUND_ID_RE,
    _normalise_url,
    _postgres_engine,
    _sqlite_engine,
    _sqlite_file,
    default_url,
)
from .errors import (
    CodeAlreadyUsed,
    DuplicateSubmission,
    InvalidAnswers,
    InvalidCode,
    RoundNotFound,
    RoundNotOpen,
    SecretKeyMismatch,
    StorageError,
)
from .files import prepare_sqlite_file
from .frozen import FrozenMixin, frozen_table, released_rows
from .importing import (
    ImportExportMixin,
    _chunks,
    _insert_ignore,
)
from .maintenance import (
    MaintenanceMixin,
)
from .rounds import InstitutionWindow, RoundsMixin, round_gis_table
from .schema import (
    KEY_FINGERPRINT,
    RoundInfo,
    _as_date,
    _questionnaire,
    _round_info,
    _scrub,
    codes_table,
    iso_week,
    meta_table,
    responses_table,
    rounds_table,
    tokens_table,
    unused_table,
)

log = logging.getLogger(__name__)

# --------------------------------------------------------------------------- one writer per SQLite file and process

_FILE_LOCKS: dict[str, threading.RLock] = {}
_FILE_LOCKS_GUARD = threading.Lock()


def _file_write_lock(path: Path) -> threading.RLock:
    """The lock the writers of this process take before writing to the SQLite file ``path``."""
    key = os.path.realpath(path)
    with _FILE_LOCKS_GUARD:
        lock = _FILE_LOCKS.get(key)
        if lock is None:
            lock = _FILE_LOCKS[key] = threading.RLock()
        return lock


class _Job:
    """One submission waiting for a group commit."""

    __slots__ = ("fn", "result", "error", "done")

    def __init__(self, fn):
        self.fn, self.result, self.error, self.done = fn, None, None, False


class _Queue:
    def __init__(self):
        self.guard = threading.Lock()
        self.pending: list[_Job] = []


_QUEUES: dict[str, _Queue] = {}


def _group_queue(path: Path) -> _Queue:
    """The submissions of this process waiting to be written to the SQLite file ``path``."""
    key = os.path.realpath(path)
    with _FILE_LOCKS_GUARD:
        queue = _QUEUES.get(key)
        if queue is None:
            queue = _QUEUES[key] = _Queue()
        return queue


# --------------------------------------------------------------------------- statements of a submission


@dataclass(frozen=True)
class _SubmitStatements:
    """Built once, executed with parameters: SQLAlchemy compiles each once and caches it."""

    round: sa.Select  # the round with the institution's own dates (outer join: none -> round's dates)
    token: Any  # INSERT .. ON CONFLICT DO NOTHING RETURNING: no row when the token was seen
    use_code: sa.Delete
    code_exists: sa.Select
    response: sa.Insert
    drop_draft: sa.Delete


def _submit_statements(dialect: str) -> _SubmitStatements:
    r, g = rounds_table, round_gis_table
    joined = r.outerjoin(g, sa.and_(g.c.round_id == r.c.id, g.c.gi == sa.bindparam("gi")))
    round_stmt = (
        sa.select(
            r,
            g.c.opens.label("gi_opens"),
            g.c.closes.label("gi_closes"),
            g.c.gi.is_not(None).label("has_window"),
            sa.select(frozen_table.c.round_id).where(frozen_table.c.round_id == r.c.id).exists().label("frozen"),
        )
        .select_from(joined)
        .where(r.c.id == sa.bindparam("rid"))
    )
    in_round = sa.select(codes_table.c.code_hash).where(codes_table.c.round_id == sa.bindparam("rid"))
    return _SubmitStatements(
        round=round_stmt,
        token=_insert_ignore(dialect, tokens_table).returning(tokens_table.c.token_hash),
        use_code=sa.delete(unused_table).where(
            unused_table.c.code_hash == sa.bindparam("h"), unused_table.c.code_hash.in_(in_round)
        ),
        code_exists=sa.select(codes_table.c.code_hash).where(
            codes_table.c.code_hash == sa.bindparam("h"), codes_table.c.round_id == sa.bindparam("rid")
        ),
        response=sa.insert(responses_table),
        drop_draft=sa.delete(drafts_table).where(drafts_table.c.token_hash == sa.bindparam("h")),
    )


# --------------------------------------------------------------------------- storage


class Storage(ImportExportMixin, MaintenanceMixin, RoundsMixin, AccountsMixin, DraftsMixin, FrozenMixin, CountsMixin):
    """Rounds, access codes and responses in SQLite or PostgreSQL (see the module docstring).

    Parameters
    ----------
    url : str, optional
        SQLAlchemy URL; default :func:`default_url`.
    migrate : bool
        Run the Alembic migrations up to head (default True).
    secret_key : bytes or str, optional
        Server secret for the code hashes; default from the environment or key
        file (:func:`survey_app.storage.codes.load_secret_key`), read when first needed.

    An SQLite file is prepared first (:func:`survey_app.storage.files.prepare_sqlite_file`:
    folder 0700, file 0600, another application's database refused untouched).
    With ``migrate`` the key is checked at once (:meth:`verify_secret_key`):
    while codes exist a missing or different key stops here.
    """

    def __init__(self, url: str | None = None, *, migrate: bool = True, secret_key: bytes | str | None = None):
        u = _normalise_url(url or default_url())
        self.url: str = u.render_as_string(hide_password=True)
        self.dialect: str = u.get_backend_name()
        self._sqlite_path = _sqlite_file(u) if self.dialect == "sqlite" else None
        if isinstance(secret_key, str):
            secret_key = secret_key.encode("utf-8")
        if secret_key is not None and len(secret_key) < _codes.MIN_KEY_LENGTH:
            raise StorageError(f"secret_key must be at least {_codes.MIN_KEY_LENGTH} bytes")
        if self._sqlite_path is not None:
            prepare_sqlite_file(self._sqlite_path)
        self.engine: Engine = _sqlite_engine(u) if self.dialect == "sqlite" else _postgres_engine(u)
        self._writer = self.engine.execution_options(survey_write=True)
        self._key: bytes | None = secret_key
        self._key_given = secret_key is not None
        self._key_checked = False
        self._checkpoint_lock = threading.Lock()
        self._checkpoint_timer: threading.Timer | None = None
        if migrate:
            self.migrate()
            self.verify_secret_key()
            self._purge_now_and_then(None)  # expired drafts go on start

    def __repr__(self) -> str:
        return f"Storage({self.url!r})"

    def __enter__(self) -> Storage:
        return self

    def __exit__(self, *exc) -> None:
        self.dispose()

    def dispose(self) -> None:
        """Close all pooled connections (and stop a pending write-ahead-log retry)."""
        with self._checkpoint_lock:
            if self._checkpoint_timer is not None:
                self._checkpoint_timer.cancel()
                self._checkpoint_timer = None
        self.engine.dispose()

    # ------------------------------------------------------------------ plumbing

    @contextmanager
    def _write(self, lock: str | None = None) -> Iterator[Connection]:
        """One write transaction (SQLite: BEGIN IMMEDIATE; PostgreSQL: optional advisory lock).

        On an SQLite file the threads of this process queue on one lock per file
        first: a hand-over between threads is then immediate, where SQLite's own
        busy handler would let the waiting writers sleep and poll (1 to 100 ms).
        """
        if self._sqlite_path is not None:
            with _file_write_lock(self._sqlite_path), self._writer.begin() as conn:
                yield conn
            return
        with self._writer.begin() as conn:
            if lock is not None and self.dialect == "postgresql":
                conn.execute(
                    sa.text("SELECT pg_advisory_xact_lock(:ns, :k)"),
                    {"ns": _LOCK_NAMESPACE, "k": zlib.crc32(lock.encode()) & 0x7FFFFFFF},
                )
            yield conn

    def _group_commit(self, fn):
        """Run ``fn(conn)`` in a write transaction shared with the submissions waiting at that moment (SQLite).

        SQLite commits one transaction at a time, each with its own flush to
        disk.  The writers of this process queue; whoever gets the file's lock
        runs everything queued so far, each in its own SAVEPOINT (an error undoes
        that one only, and is raised to its own caller), and commits once.
        Every caller returns only after the commit that holds its work: an
        acknowledged submission is on disk.  A failed commit fails them all.
        """
        job = _Job(fn)
        queue = _group_queue(self._sqlite_path)
        with queue.guard:
            queue.pending.append(job)
        with _file_write_lock(self._sqlite_path):
            if not job.done:
                with queue.guard:
                    batch, queue.pending = queue.pending, []
                self._run_batch(batch)
        if job.error is not None:
            raise job.error
        return job.result

    def _run_batch(self, batch: list[_Job]) -> None:
        try:
            with self._writer.begin() as conn:
                if len(batch) == 1:
                    batch[0].result = batch[0].fn(conn)
                else:
                    for job in batch:
                        savepoint = conn.begin_nested()
                        try:
                            job.result = job.fn(conn)
                        except Exception as exc:
                            savepoint.rollback()
                            job.error = exc
                        else:
                            savepoint.commit()
        except Exception as exc:
            for job in batch:
                if job.error is None:
                    job.error, job.result = exc, None
        finally:
            for job in batch:
                job.done = True

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        with self.engine.begin() as conn:
            yield conn

    def alembic_config(self, connection: Connection | None = None):
        """An Alembic Config for ``survey_app/migrations`` (no alembic.ini needed)."""
        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
        cfg.set_main_option("path_separator", "os")
        if connection is not None:
            cfg.attributes["connection"] = connection
        return cfg

    def migrate(self, revision: str = "head") -> None:
        """Apply the Alembic migrations up to ``revision`` (serialised between processes).

        A database already at the head is only read: a server can start (and
        say "try again later" instead of failing) on a read-only database.
        """
        if revision == "head":
            head = ScriptDirectory.from_config(self.alembic_config()).get_current_head()
            try:
                at_head = self.schema_revision() == head
            except Exception:  # e.g. no alembic_version table yet on PostgreSQL: migrate
                at_head = False
            if at_head:
                return
        with self._write(lock="migrate") as conn:
            command.upgrade(self.alembic_config(conn), revision)

    def schema_revision(self) -> str | None:
        """The Alembic revision the database is at (None when never migrated)."""
        with self.engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()

    # ------------------------------------------------------------------ the key of the access codes

    def _key_file(self) -> Path | None:
        if self._sqlite_path is not None:
            return self._sqlite_path.parent / _codes.KEY_FILE_NAME
        if self.dialect == "sqlite":
            return None  # in-memory database
        return Path(os.environ.get("SURVEY_DATA_DIR", "").strip() or DEFAULT_DATA_DIR) / _codes.KEY_FILE_NAME

    def key_location(self) -> str:
        """Where this Storage takes the access-code key from, in words."""
        if self._key_given:
            return "the secret_key given to Storage()"
        return _codes.key_source(self._key_file())

    def _database_name(self) -> str:
        return str(self._sqlite_path) if self._sqlite_path is not None else self.url

    def _key_state(self) -> tuple[str | None, bool]:
        """(stored key fingerprint, whether any access code exists)."""
        with self._read() as conn:
            stored = conn.execute(
                sa.select(meta_table.c.value).where(meta_table.c.key == KEY_FINGERPRINT)
            ).scalar_one_or_none()
            has_codes = conn.execute(sa.select(codes_table.c.code_hash).limit(1)).first() is not None
        return stored, has_codes

    def _load_key(self, *, create: bool) -> bytes:
        if self.dialect == "sqlite" and self._sqlite_path is None:
            return secrets.token_bytes(32)  # in-memory database: the key lives as long as it
        key_file = self._key_file()
        try:
            return _codes.load_secret_key(key_file=key_file, create=create and self._sqlite_path is not None)
        except _codes.SecretKeyError as exc:
            if create:
                raise StorageError(str(exc)) from exc
            raise SecretKeyMismatch(
                i18n.both("storage.key_missing", where=self.key_location(), database=self._database_name())
                + f" ({exc})"
            ) from exc

    def _mismatch(self) -> SecretKeyMismatch:
        return SecretKeyMismatch(
            i18n.both("storage.key_mismatch", where=self.key_location(), database=self._database_name())
        )

    def verify_secret_key(self) -> None:
        """Stop (:class:`SecretKeyMismatch`, naming where the key is expected) when access
        codes exist and the key is missing or is not the key they were made with.

        Without codes there is nothing to check.  A database with codes from before
        the fingerprint was kept records the fingerprint of the key it has now.
        """
        stored, has_codes = self._key_state()
        if stored is not None or has_codes:
            self._secret()

    def _secret(self) -> bytes:
        if self._key is not None and self._key_checked:
            return self._key
        stored, has_codes = self._key_state()
        if self._key is None:
            # a key file is made only while there are no codes: a lost key is never silently replaced
            self._key = self._load_key(create=stored is None and not has_codes)
        fingerprint = _codes.key_fingerprint(self._key)
        if stored is not None and stored != fingerprint:
            raise self._mismatch()
        if stored is None and has_codes:  # codes made before fingerprints were kept: trust this key
            with self._write() as conn:
                self._record_fingerprint(conn, self._key)
        self._key_checked = stored is not None or has_codes
        return self._key

    def _record_fingerprint(self, conn: Connection, key: bytes) -> None:
        """Store the key's fingerprint (first codes) or check it (inside the codes' write transaction)."""
        fingerprint = _codes.key_fingerprint(key)
        conn.execute(_insert_ignore(self.dialect, meta_table).values(key=KEY_FINGERPRINT, value=fingerprint))
        stored = conn.execute(sa.select(meta_table.c.value).where(meta_table.c.key == KEY_FINGERPRINT)).scalar_one()
        if stored != fingerprint:
            raise self._mismatch()
        self._key_checked = True

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
        bad = [g for g in gi_list if not contract.is_gi_code(g)]
        if not gi_list or bad:
            raise StorageError(
                f"gis: give one or more institution codes of {gi_rule().text('en')}"
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
        self._record_fingerprint(conn, key)
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
        if norm is None or not _codes.is_code(norm):
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
        draft_token: str | None = None,
        questionnaire_variant: str = contract.DEFAULT_VARIANT,
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
        date); no finer time is kept anywhere.  ``draft_token``: the draft kept
        for this questionnaire (:meth:`save_draft`) is deleted in the same
        transaction.
        ``questionnaire_variant`` is the version answered (``standaard`` or
        ``makkelijk``, the easy-read version; issue 12): both versions have the
        same items, stored in the same columns.
        """
        today = today or _dt.date.today()
        if questionnaire_variant not in contract.QUESTIONNAIRE_VARIANTS:
            raise StorageError(f"questionnaire_variant: use one of {', '.join(contract.QUESTIONNAIRE_VARIANTS)}")
        try:
            token_hash = _codes.hash_token(submission_token)
        except ValueError as exc:
            raise StorageError(str(exc)) from None
        # the answers are checked and scrubbed before the write lock is taken (keeps the locked part short);
        # the key of the codes is read (once per process) outside it too
        checked = self._check_answer_values(answers)
        norm = _codes.normalize_code(code)
        code_hash = _codes.hash_code(norm, self._secret()) if norm is not None and _codes.is_code(norm) else None
        week = iso_week(today)
        draft_hash = draft_token_hash(draft_token) if draft_token else None
        stmts = self._submit_statements()

        def store(conn: Connection) -> tuple[RoundInfo, str]:  # the one transaction of a submission
            # PostgreSQL, before the round is read: a release (freeze) in progress holds answer_counts against
            # this lock until it commits, so the round is then read frozen and the counts go to held; and
            # answer_counts before responses, as everywhere (storage/counts.py).  Submissions do not block
            # each other with it.
            self._lock_counts(conn, "ROW EXCLUSIVE")
            found = conn.execute(stmts.round, {"rid": round_id, "gi": gi}).mappings().first()
            if found is None:
                raise RoundNotFound(f"round '{round_id}' does not exist")
            info = _round_info(found)
            status = info.status(today)
            if status != "open":
                raise RoundNotOpen(round_id, status)
            if found["has_window"]:  # the institution's own dates (storage/rounds.py)
                status = InstitutionWindow(gi, found["gi_opens"], found["gi_closes"]).status(info.closed, today)
                if status != "open":
                    raise RoundNotOpen(round_id, status)
            row = self._answers_row(info, checked, gi=gi, respondent_type=respondent_type, week=week)
            row[contract.VARIANT_COLUMN] = questionnaire_variant
            if conn.execute(stmts.token, {"token_hash": token_hash, "round_id": round_id}).first() is None:
                raise DuplicateSubmission("this questionnaire was already submitted")  # the token was there already
            if info.access == "codes":
                self._use_code(conn, stmts, round_id, code_hash)
            conn.execute(stmts.response, row)
            # the round's aggregate (storage/counts.py); held back when the round's table was released
            self._add_counts(conn, aggregate.one_response(row), held=bool(found["frozen"]), spread=True)
            if draft_hash is not None:
                conn.execute(stmts.drop_draft, {"h": draft_hash})
            return info, row["response_id"]

        if self._sqlite_path is not None:
            info, response_id = self._group_commit(store)
        else:
            with self._write() as conn:
                info, response_id = store(conn)
        if info.access == "codes":  # the log now holds the used code's page next to the answers
            self._empty_wal_after_code_use()
        return response_id

    def _submit_statements(self) -> _SubmitStatements:
        """The statements of :meth:`submit_response`, built once per Storage (compiled once by SQLAlchemy)."""
        stmts = getattr(self, "_submit_stmts", None)
        if stmts is None:
            stmts = self._submit_stmts = _submit_statements(self.dialect)
        return stmts

    def _use_code(self, conn: Connection, stmts: _SubmitStatements, round_id: str, code_hash: str | None) -> None:
        if code_hash is None:
            raise InvalidCode("a valid access code is needed for this round")
        if conn.execute(stmts.use_code, {"h": code_hash, "rid": round_id}).rowcount == 1:
            return
        if conn.execute(stmts.code_exists, {"h": code_hash, "rid": round_id}).first() is None:
            raise InvalidCode("unknown access code")
        raise CodeAlreadyUsed("this access code was used before")

    def _check_answer_values(self, answers: Mapping[str, Any]):
        """The answers checked by the one definition of a valid answer
        (:func:`analysis.answers.check_answers`), free text scrubbed; round-independent."""
        if not isinstance(answers, Mapping):
            raise InvalidAnswers(["answers must be a mapping of item id to answer"])
        check = check_answers(answers, _questionnaire())
        values = {c: check.values.get(c) for c in contract.ITEM_COLUMNS}
        if not check.problems:
            for c in contract.COMMENT_COLUMNS:
                values[c] = _scrub(values[c])
        return check, values

    def _answers_row(self, info: RoundInfo, checked, *, gi: str, respondent_type: str, week: str) -> dict[str, Any]:
        """The row to store: the checked answers plus the round's gi and respondent type
        (:class:`InvalidAnswers` lists every problem)."""
        check, values = checked
        unknown = [p.item for p in check.problems if p.rule == "unknown_item"]
        problems: list[str] = [f"unknown items: {', '.join(unknown)}"] if unknown else []
        if gi not in info.gis:
            problems.append(f"gi {gi!r} is not part of round '{info.id}' ({', '.join(info.gis)})")
        if respondent_type not in info.respondent_types:
            problems.append(f"respondent_type {respondent_type!r} is not part of round '{info.id}'")
        problems += [f"{p.item}: {p.message} [{p.rule}]" for p in check.problems if p.rule != "unknown_item"]
        if problems:
            raise InvalidAnswers(problems)
        return {
            "response_id": str(uuid.uuid4()),
            "round_id": info.id,
            "gi": gi,
            "respondent_type": respondent_type,
            "submitted_week": week,
            **values,
        }

    def count_responses(self, round_id: str | None = None) -> int:
        """Number of stored responses (of one round, or all)."""
        stmt = sa.select(sa.func.count()).select_from(responses_table)
        if round_id is not None:
            stmt = stmt.where(responses_table.c.round_id == round_id)
        with self._read() as conn:
            return int(conn.execute(stmt).scalar_one())

    def load_responses(
        self,
        *,
        round_ids: Iterable[str] | str | None = None,
        gis: Iterable[str] | str | None = None,
        released: bool = False,
    ) -> pd.DataFrame:
        """The responses as the canonical frame (:func:`analysis.frame.canonical_frame`).

        Rows are ordered by ``response_id`` (random UUIDs), never by insertion.
        ``round_ids`` / ``gis`` (a value or a list) restrict the rows.
        ``released``: of a round whose table was released (frozen at close),
        only the responses of that table (:mod:`survey_app.storage.frozen`):
        what readers without row data read.
        """
        t = responses_table
        stmt = sa.select(*[t.c[c] for c in contract.COLUMNS])
        if released:
            stmt = stmt.where(released_rows(t))
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
