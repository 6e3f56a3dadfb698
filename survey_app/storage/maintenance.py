"""Maintenance: erase the insertion order of responses."""

from __future__ import annotations

import logging

from analysis import contract

log = logging.getLogger(__name__)


class MaintenanceMixin:
    """Methods of :class:`~survey_app.storage.store.Storage` that maintain the database files."""

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
