"""Import, export and the demo round: files into and out of a round, all or nothing."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as pg_dialect
from sqlalchemy.dialects import sqlite as sqlite_dialect
from sqlalchemy.engine import Connection

from analysis import aggregate, contract, pipeline
from analysis.answers import quote
from analysis.io import write_responses
from analysis.validation import ErrorRecord, report_from_records

from .errors import (
    ImportRejected,
    StorageError,
)
from .frozen import _is_frozen
from .schema import (
    RoundInfo,
    _py,
    _questionnaire,
    responses_table,
    rounds_table,
)

log = logging.getLogger(__name__)


class ImportExportMixin:
    """Methods of :class:`~survey_app.storage.store.Storage` that move files in and out."""

    # ------------------------------------------------------------------ import / export

    def import_responses(self, source, *, round_id: str, file: str | None = None, mapping=None) -> int:
        """Import a contract response file (CSV/XLSX/SAV/Parquet path or upload), a
        :class:`analysis.io.RawTable` or a DataFrame into an existing round, all or
        nothing; returns the number of rows.

        Runs the one import pipeline (:func:`analysis.pipeline.prepare_import`:
        read, map with ``mapping``, validate, scrub, check against the round) and
        then :meth:`insert_prepared`.  Every row's ``round_id`` must equal
        ``round_id`` (rows naming another round are rejected, rule
        ``wrong_round``; nothing is rewritten), its ``gi`` and ``respondent_type``
        must belong to the round (rules ``gi_not_in_round``,
        ``respondent_type_not_in_round``), and a ``response_id`` already stored is
        a ``duplicate_id``.  Any error raises :class:`ImportRejected` carrying the
        ValidationReport; nothing is stored.  Free text is scrubbed as in
        :meth:`submit_response`.  The optional column ``questionnaire_variant``
        (contract 1.1) is stored (``standaard`` when the file has no such column
        or an empty cell); other columns beyond the contract are not stored.
        Closed rounds accept imports (e.g. paper questionnaires entered later).
        """
        info = self.get_round(round_id)
        return self.insert_prepared(pipeline.prepare_import(source, file=file, mapping=mapping, round=info))

    def insert_prepared(self, prepared) -> int:
        """The last step of the import pipeline: store a :class:`analysis.pipeline.PreparedImport`,
        all or nothing; returns the number of rows.

        Raises :class:`ImportRejected` when the prepared import has errors, was
        not checked against a round, does not fit the stored round, or holds a
        ``response_id`` that is already stored (checked inside the write
        transaction); :class:`RoundNotFound` when its round does not exist.
        """
        if not prepared.ok:
            raise ImportRejected(prepared.report)
        if prepared.round_id is None:
            raise StorageError("an import must be checked against its round before it is stored")
        if not prepared.scrubbed:
            prepared = pipeline.scrub(prepared)
        info = self.get_round(prepared.round_id)
        with self._write(lock="freeze") as conn:  # PostgreSQL: not while a round is frozen (storage/counts.py)
            return self._insert_prepared(conn, prepared, info)

    def _insert_prepared(self, conn: Connection, prepared, info: RoundInfo) -> int:
        """Check against the stored round and the stored ids, then insert (inside ``conn``'s transaction)."""
        self._lock_counts(conn, "ROW EXCLUSIVE")  # answer_counts before responses (storage/counts.py)
        prepared = pipeline.check_round(prepared, info)
        if not prepared.ok:
            raise ImportRejected(prepared.report)
        if not len(prepared):
            return 0
        frame = prepared.frame[list(contract.COLUMNS)].copy()
        # contract 1.1: the questionnaire version of each response; no column means the standard one
        if contract.VARIANT_COLUMN in prepared.frame.columns:
            variant = prepared.frame[contract.VARIANT_COLUMN].astype("string").fillna(contract.DEFAULT_VARIANT)
        else:
            variant = pd.Series([contract.DEFAULT_VARIANT] * len(frame), index=frame.index, dtype="string")
        frame[contract.VARIANT_COLUMN] = variant.to_numpy()
        dups = self._duplicate_errors(conn, prepared.file, frame, prepared.rows)
        if dups:
            rep = prepared.report
            raise ImportRejected(report_from_records(prepared.file, dups, warnings=rep.warnings, n_rows=rep.n_rows))
        self._insert_frame(conn, frame)
        # the round's aggregate, in the same transaction; held back when its table was released
        self._add_counts(conn, aggregate.count_table(frame), held=_is_frozen(conn, info.id))
        return len(frame)

    def _duplicate_errors(self, conn: Connection, file: str, frame: pd.DataFrame, rows) -> list:
        ids = frame["response_id"].tolist()
        found = self._stored_ids(conn, ids)
        return [
            ErrorRecord(
                file, int(rows[i]), "response_id", rid, "duplicate_id", {"value": quote(rid)}, "duplicate_id_stored"
            )
            for i, rid in enumerate(ids)
            if rid in found
        ]

    def _stored_ids(self, conn: Connection, ids: list[str]) -> set[str]:
        """Which of ``ids`` are stored already.

        One statement per :data:`ID_CHUNK` ids, the ids as one parameter (PostgreSQL:
        a text array; SQLite: a JSON text read with ``json_each``): a million ids
        took 2,000 SQLAlchemy statements of 500 bound values each (3 s of an import).
        """
        table, found = responses_table.name, set()
        for chunk in _chunks(ids, ID_CHUNK):
            if self.dialect == "postgresql":
                rows = conn.exec_driver_sql(f"SELECT response_id FROM {table} WHERE response_id = ANY(%s)", (chunk,))
            else:
                rows = conn.exec_driver_sql(
                    f"SELECT response_id FROM {table} WHERE response_id IN (SELECT value FROM json_each(?))",
                    (json.dumps(chunk),),
                )
            found.update(r[0] for r in rows)
        return found

    def _insert_frame(self, conn: Connection, frame: pd.DataFrame) -> None:
        """Bulk insert inside ``conn``'s transaction: COPY on PostgreSQL, ``executemany`` on SQLite.

        Rows go in sorted by response_id: the physical order of a bulk insert says
        nothing either.  Cells become plain Python values column by column, one
        slice of rows at a time (bounded memory for a million rows).
        """
        frame = frame.sort_values("response_id", kind="stable")
        cols = [*contract.COLUMNS, *(c for c in contract.OPTIONAL_COLUMNS if c in frame.columns)]
        names = ", ".join(cols)
        if self.dialect == "postgresql":
            cursor = conn.connection.dbapi_connection.cursor()
            try:
                with cursor.copy(f"COPY {responses_table.name} ({names}) FROM STDIN") as copy:
                    for rows in _row_slices(frame, cols):
                        for row in rows:
                            copy.write_row(row)
            finally:
                cursor.close()
            return
        sql = f"INSERT INTO {responses_table.name} ({names}) VALUES ({', '.join('?' * len(cols))})"
        cursor = conn.connection.dbapi_connection.cursor()
        try:
            for rows in _row_slices(frame, cols):
                cursor.executemany(sql, rows)
        finally:
            cursor.close()

    def export_responses(self, *, round_id: str | None, path, format: str | None = None) -> Path:
        """Write a round's responses (all rounds for None) with :func:`analysis.io.write_responses`
        (csv, xlsx, sav or parquet; default from the extension), rows in response_id order."""
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
        frame's ``round_id`` column is set to the demo round.  The frame goes
        through the one import pipeline (:func:`analysis.pipeline.prepare_import`
        against :data:`analysis.pipeline.DEMO_ROUND`) and the same insert as any import.
        """
        if self.count_responses() > 0:
            return None
        frame = frame_factory().copy()
        frame["round_id"] = contract.DEMO_ROUND_ID
        prepared = pipeline.prepare_import(frame, file="demo", round=pipeline.DEMO_ROUND)
        if not prepared.ok:
            raise ImportRejected(prepared.report)
        with self._write(lock="demo") as conn:
            if conn.execute(sa.select(sa.func.count()).select_from(responses_table)).scalar_one() > 0:
                return None
            if (
                conn.execute(sa.select(rounds_table.c.id).where(rounds_table.c.id == contract.DEMO_ROUND_ID)).first()
                is None
            ):
                conn.execute(
                    sa.insert(rounds_table).values(
                        id=pipeline.DEMO_ROUND.id,
                        name="Demo: synthetische gegevens 2025 / synthetic data 2025",
                        gis=",".join(pipeline.DEMO_ROUND.gis),
                        respondent_types=",".join(pipeline.DEMO_ROUND.respondent_types),
                        opens=None,
                        closes=None,
                        access="open",
                        questionnaire_version=_questionnaire().version_key,
                        closed=False,
                    )
                )
            info = self._get_round(conn, contract.DEMO_ROUND_ID)
            self._insert_prepared(conn, prepared, info)
        return info


# --------------------------------------------------------------------------- helpers


#: rows turned into Python values at a time by :func:`_row_slices`
ROW_SLICE = 50_000
#: response ids looked up per statement by :meth:`ImportExportMixin._stored_ids`
ID_CHUNK = 50_000


def _column_values(col: pd.Series) -> list:
    """One column as plain Python values for the driver; missing and blank text -> None (as :func:`_py`)."""
    if isinstance(col.dtype, pd.StringDtype) or col.dtype == object:
        values = col.to_numpy(dtype=object, na_value=None)
        text = col.astype("string")
        blank = (text.str.strip() == "").fillna(False).to_numpy(dtype=bool)
        if blank.any():
            values[blank] = None
        if col.dtype == object:  # anything else: the one cell rule
            return [_py(v) for v in values]
        return values.tolist()
    if isinstance(col.dtype, pd.Int64Dtype):
        return col.to_numpy(dtype=object, na_value=None).tolist()
    return [_py(v) for v in col]


def _row_slices(frame: pd.DataFrame, cols: list[str]) -> Iterator[list[tuple]]:
    """The frame's rows as tuples of plain Python values, ROW_SLICE rows at a time."""
    for start in range(0, len(frame), ROW_SLICE):
        part = frame.iloc[start : start + ROW_SLICE]
        yield list(zip(*(_column_values(part[c]) for c in cols)))


def _chunks(seq: list, size: int) -> Iterator[list]:
    for i in range(0, len(seq), size):
        yield seq[i : i + size]


def _insert_ignore(dialect: str, table: sa.Table):
    """INSERT ... ON CONFLICT DO NOTHING (with RETURNING: no row when the key exists)."""
    mod = pg_dialect if dialect == "postgresql" else sqlite_dialect
    return mod.insert(table).on_conflict_do_nothing()
