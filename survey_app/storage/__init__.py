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
``app_meta``          key, value -- ``code_key_fingerprint`` (HMAC of a fixed label
                      under the access-code key, never the key)
``round_gis``         round_id, gi, opens, closes, national -- dates per institution
``code_batches``      batch_id, round_id, gi, respondent_type, kind, n_letters,
                      issued_week -- letters made (counts only, no codes)

``rounds`` also has ``languages`` and ``archived`` (migration 0004; see
:mod:`survey_app.storage.rounds`).
``users``             name, role, gi, password_hash, must_change, failed_attempts,
                      locked_until, session_version -- staff accounts (argon2id)
``audit_log``         id, at, actor, action, target, detail -- staff actions only
``drafts``            token_hash, round_id, expires_at, data -- answers in progress under the
                      hash of a browser-held token; no code, expiry a whole hour within a
                      day (migration 0006_drafts, :mod:`survey_app.storage.drafts`)

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
* SQLite's write-ahead log holds, commit by commit, the ``unused_codes``
  page that lost a code next to the ``responses`` page that gained the
  answers.  After each submission with a code the log is checkpointed and
  truncated to 0 bytes (:meth:`Storage.checkpoint_wal`; retried every few
  seconds while a reader holds it up); :meth:`Storage.erase_insertion_order`
  verifies that the log is empty and raises :class:`EraseIncomplete` when a
  reader kept it from being emptied.
* Limits: someone who can read the database *while* responses come in can
  watch a code disappear from ``unused_codes`` as a response appears (or copy
  the files between two submissions); server logs with statement logging,
  WAL archives and backups taken during a round are outside what this module
  can clean.  Give database access only to administrators while a round is open.

Keys and files
--------------
The database records the fingerprint of the access-code key; a missing or
different key while codes exist raises :class:`SecretKeyMismatch` when the
Storage starts (a lost ``secret.key`` is never regenerated then).  SQLite:
data folder 0700, database 0600, another application's file refused
untouched, file errors name the file (:class:`DatabaseFileError`; see
:mod:`survey_app.storage.files`).

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
The statements are built once per Storage and compiled once; the round and
the institution's own dates come in one SELECT.  With ``draft_token`` the
respondent's draft is deleted in the same transaction.

Writers (issue 10): on an SQLite file the threads of a process queue on one
lock per file; the one holding it writes every submission queued meanwhile in
one transaction (a SAVEPOINT each: an error fails that submission only) and
commits once, so eight writers share a flush to disk.  Each caller returns
after the commit that holds its response.  Imports insert with
``executemany`` (SQLite) or ``COPY`` (PostgreSQL), rows in response_id order.
"""

from __future__ import annotations

from analysis.contract import GI_RE  # re-exported: the one definition lives in the contract

from .accounts import (
    AuditRecord,
    UserExists,
    UserInfo,
    UserNotFound,
)
from .engine import (
    _LOCK_NAMESPACE,
    ACCESS_MODES,
    BUSY_TIMEOUT_S,
    CODE_RESULTS,
    DEFAULT_DATA_DIR,
    MAX_NAME_LENGTH,
    MIGRATIONS_DIR,
    ROUND_ID_ALPHABET,
    ROUND_ID_LENGTH,
    ROUND_ID_RE,
    ROUND_STATUSES,
    SQLITE_FILE,
    default_url,
)
from .errors import (
    CodeAlreadyUsed,
    DatabaseFileError,
    DuplicateSubmission,
    EraseIncomplete,
    ImportRejected,
    InvalidAnswers,
    InvalidCode,
    RoundNotFound,
    RoundNotOpen,
    SecretKeyMismatch,
    StorageError,
)
from .rounds import (
    CodeBatch,
    InstitutionWindow,
    RoundGi,
)
from .schema import (
    AccessCode,
    Base,
    Response,
    Round,
    RoundInfo,
    SubmissionToken,
    UnusedCode,
    iso_week,
)
from .store import (
    Storage,
)

__all__ = [
    "ACCESS_MODES",
    "AccessCode",
    "AuditRecord",
    "BUSY_TIMEOUT_S",
    "CodeBatch",
    "InstitutionWindow",
    "RoundGi",
    "Base",
    "CODE_RESULTS",
    "CodeAlreadyUsed",
    "DEFAULT_DATA_DIR",
    "DatabaseFileError",
    "DuplicateSubmission",
    "EraseIncomplete",
    "GI_RE",
    "ImportRejected",
    "InvalidAnswers",
    "InvalidCode",
    "MAX_NAME_LENGTH",
    "MIGRATIONS_DIR",
    "ROUND_ID_ALPHABET",
    "ROUND_ID_LENGTH",
    "ROUND_ID_RE",
    "ROUND_STATUSES",
    "Response",
    "Round",
    "RoundInfo",
    "RoundNotFound",
    "RoundNotOpen",
    "SQLITE_FILE",
    "SecretKeyMismatch",
    "Storage",
    "StorageError",
    "SubmissionToken",
    "UnusedCode",
    "UserExists",
    "UserInfo",
    "UserNotFound",
    "_LOCK_NAMESPACE",
    "default_url",
    "iso_week",
]
