"""Maintenance: erase the insertion order of responses and keep SQLite's write-ahead log empty."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path

from analysis import contract

from .engine import BUSY_TIMEOUT_S
from .errors import EraseIncomplete
from .files import sqlite_error, wal_path

log = logging.getLogger(__name__)

#: How long a checkpoint after a submission waits for readers (ms): the respondent waits for it.
SUBMIT_CHECKPOINT_WAIT_MS = 250
#: A checkpoint that readers kept from finishing is tried again this often (s), this many times.
CHECKPOINT_RETRY_S = 5.0
CHECKPOINT_RETRIES = 24


@dataclass(frozen=True)
class Checkpoint:
    """Result of ``PRAGMA wal_checkpoint(TRUNCATE)``.

    ``busy``: a reader (or writer) kept it from finishing; ``wal_bytes``: the
    size of the ``-wal`` file afterwards (0 when it was emptied).
    """

    busy: bool
    wal_bytes: int
    wal_path: Path | None = None

    @property
    def emptied(self) -> bool:
        return not self.busy and self.wal_bytes == 0


class MaintenanceMixin:
    """Methods of :class:`~survey_app.storage.store.Storage` that maintain the database files."""

    # ------------------------------------------------------------------ the write-ahead log

    def checkpoint_wal(self, *, wait_ms: int = BUSY_TIMEOUT_S * 1000) -> Checkpoint:
        """SQLite: copy the write-ahead log into the database and truncate it to 0 bytes.

        While a round with codes is open the log holds, commit by commit, the
        page of ``unused_codes`` that lost a code next to the page of
        ``responses`` that gained the answers; emptying it leaves only the
        current state (``secure_delete`` zeroes deleted rows in the database
        file).  Waits up to ``wait_ms`` for other connections; a connection
        that keeps reading longer leaves the log in place (``busy``).  For
        PostgreSQL and in-memory databases there is no file: always emptied.
        """
        if self._sqlite_path is None:
            return Checkpoint(busy=False, wal_bytes=0)
        wal = wal_path(self._sqlite_path)
        raw = self.engine.raw_connection()
        try:
            cur = raw.cursor()
            try:
                cur.execute(f"PRAGMA busy_timeout = {int(wait_ms)}")
                busy, _frames, _copied = cur.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            finally:
                cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_S * 1000}")
                cur.close()
        except Exception as exc:
            named = sqlite_error(exc, self._sqlite_path)
            if named is None:
                raise
            raise named from exc
        finally:
            raw.close()
        try:
            size = wal.stat().st_size
        except FileNotFoundError:
            size = 0
        return Checkpoint(busy=bool(busy), wal_bytes=size, wal_path=wal)

    def _empty_wal_after_code_use(self) -> None:
        """After a submission that used a code: empty the log now, or soon (never fails the submission)."""
        if self._sqlite_path is None:
            return
        try:
            done = self.checkpoint_wal(wait_ms=SUBMIT_CHECKPOINT_WAIT_MS).emptied
        except Exception as exc:  # the response is committed: a failed clean-up must not undo that
            log.warning("emptying the write-ahead log failed: %s", type(exc).__name__)
            done = False
        if not done:
            self._retry_checkpoint_later()

    def _retry_checkpoint_later(self) -> None:
        lock = self._checkpoint_lock
        with lock:
            if self._checkpoint_timer is not None:
                return  # one retry loop at a time

            def retry(left: int) -> None:
                try:
                    done = self.checkpoint_wal(wait_ms=SUBMIT_CHECKPOINT_WAIT_MS).emptied
                except Exception:  # e.g. the Storage was disposed meanwhile
                    done = True
                with lock:
                    self._checkpoint_timer = None
                    if not done and left > 1:
                        self._checkpoint_timer = threading.Timer(CHECKPOINT_RETRY_S, retry, args=(left - 1,))
                        self._checkpoint_timer.daemon = True
                        self._checkpoint_timer.start()
                    elif not done:
                        log.warning(
                            "the write-ahead log %s could not be emptied: another connection keeps reading; "
                            "run `survey-app erase-order`",
                            wal_path(self._sqlite_path),
                        )

            self._checkpoint_timer = threading.Timer(CHECKPOINT_RETRY_S, retry, args=(CHECKPOINT_RETRIES,))
            self._checkpoint_timer.daemon = True
            self._checkpoint_timer.start()

    # ------------------------------------------------------------------ maintenance

    def erase_insertion_order(self, *, wait: float = 10.0) -> None:
        """Remove physical traces of the order in which responses were stored.

        PostgreSQL: in one transaction the responses are copied out, the table
        is truncated (a new, empty data file) and the rows are written back in
        ``response_id`` order.  Afterwards every response has the same ``xmin``
        (the transaction id PostgreSQL stamps on a row, which otherwise grows
        with each submission) and the physical order (``ctid``) is the random
        UUID order.  The aggregate's counter rows (``answer_counts``, updated by
        every submission) are rewritten the same way, their shards summed.  Then ``VACUUM (FREEZE,
        ANALYZE)`` removes the dead rows of used codes, tokens and counts.  Needs table-owner rights; blocks submissions
        for the moment it takes (about a second per 100,000 responses).
        SQLite: ``VACUUM`` (rebuilds the file in key order; the tables are
        WITHOUT ROWID already) and a WAL checkpoint that truncates the WAL,
        waiting up to ``wait`` seconds for other connections to finish
        reading.  It then checks that the checkpoint finished and the ``-wal``
        file is empty, and raises :class:`EraseIncomplete` when a reader kept
        it from being emptied (the log may then still link codes to answers).

        Runs automatically in :meth:`close_round`; run it regularly (e.g.
        nightly) while rounds are open.  It cannot clean server logs, WAL
        archives or backups made before it ran.
        """
        if self.dialect == "postgresql":
            cols = ", ".join(contract.COLUMNS)
            with self._write(lock="erase") as conn:
                # answer_counts before responses, as every transaction that uses both (storage/counts.py)
                conn.exec_driver_sql("LOCK TABLE answer_counts, responses IN ACCESS EXCLUSIVE MODE")
                conn.exec_driver_sql(
                    f"CREATE TEMPORARY TABLE survey_reorder ON COMMIT DROP AS SELECT {cols} FROM responses"
                )
                conn.exec_driver_sql("TRUNCATE responses")
                conn.exec_driver_sql(
                    f"INSERT INTO responses ({cols}) SELECT {cols} FROM survey_reorder ORDER BY response_id"
                )
                # the aggregate's counter rows carry the transaction of their last update too: rewritten alike
                self._merge_shards(conn)
            with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql(
                    "VACUUM (FREEZE, ANALYZE) responses, answer_counts, unused_codes, access_codes, submission_tokens"
                )
            return
        raw = self.engine.raw_connection()
        try:
            cur = raw.cursor()
            cur.execute("VACUUM")
            cur.close()
        except Exception as exc:
            named = sqlite_error(exc, self._sqlite_path)
            if named is None:
                raise
            raise named from exc
        finally:
            raw.close()
        if self._sqlite_path is None:
            return
        result = self.checkpoint_wal(wait_ms=int(wait * 1000))
        if not result.emptied:
            raise EraseIncomplete(
                f"The responses were rewritten, but the write-ahead log {result.wal_path} could not be emptied "
                f"({result.wal_bytes:,} bytes left): another program or connection is still reading the "
                "database. Until it is emptied the log may still show which code was used as which answers "
                "came in. Close the other programs that have the database open (or stop the app for a "
                "moment) and run erase-order again.",
                wal_path=result.wal_path,
                wal_bytes=result.wal_bytes,
            )
