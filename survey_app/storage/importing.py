"""Import, export and the demo round: files into and out of a round, all or nothing."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as pg_dialect
from sqlalchemy.dialects import sqlite as sqlite_dialect
from sqlalchemy.engine import Connection

from analysis import contract

from .errors import (
    ImportRejected,
    StorageError,
)
from .schema import (
    RoundInfo,
    _py,
    _questionnaire,
    _scrub,
    responses_table,
    rounds_table,
)

log = logging.getLogger(__name__)


class ImportExportMixin:
    """Methods of :class:`~survey_app.storage.store.Storage` that move files in and out."""

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
