"""Errors of the storage layer."""

from __future__ import annotations

# --------------------------------------------------------------------------- errors


class StorageError(Exception):
    """Base class: something the caller can show to the user."""


class DatabaseFileError(StorageError):
    """The database file cannot be used: missing folder, damaged, read-only, another application's.

    ``path`` is the file; the message names it.
    """

    def __init__(self, message: str, *, path=None):
        self.path = path
        super().__init__(message)


class SecretKeyMismatch(StorageError):
    """Access codes exist, and the key that hashes them is missing or another key.

    Never solved by making a new key: that would turn every printed code "invalid".
    """


class EraseIncomplete(StorageError):
    """``erase-order`` rewrote the responses but could not empty SQLite's write-ahead log.

    Another connection kept reading the database, so the log (``wal_path``,
    ``wal_bytes`` left) may still show, commit by commit, which code was used
    as which response came in.  Run it again when nothing else reads the database.
    """

    def __init__(self, message: str, *, wal_path=None, wal_bytes: int = 0):
        self.wal_path, self.wal_bytes = wal_path, wal_bytes
        super().__init__(message)


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
        shown = [e.text("en") for e in report.errors if e.rule != "too_many_errors"][:5]
        more = report.n_errors - len(shown)
        text = f"{report.file}: rejected, {report.error_summary('en', listed=len(shown))}: " + "; ".join(shown)
        if more > 0:
            text += f"; ... and {more:,} more"
        super().__init__(text)
