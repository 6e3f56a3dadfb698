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
``users``             name, role, gi, password_hash, must_change, failed_attempts,
                      locked_until, session_version -- staff accounts (argon2id)
``audit_log``         id, at, actor, action, target, detail -- staff actions only

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
    GI_RE,
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
    DuplicateSubmission,
    ImportRejected,
    InvalidAnswers,
    InvalidCode,
    RoundNotFound,
    RoundNotOpen,
    StorageError,
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
    "Base",
    "CODE_RESULTS",
    "CodeAlreadyUsed",
    "DEFAULT_DATA_DIR",
    "DuplicateSubmission",
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
