"""One import pipeline: read, map, validate, scrub and check against the round.

Every way responses come in runs the same steps, in this order::

    source ──read──▶ RawTable ──map──▶ RawTable ──validate──▶ PreparedImport
           ──scrub──▶ PreparedImport ──check the round──▶ PreparedImport ──insert (storage)

* :func:`read` (:func:`analysis.io.read_table`): a file (CSV, XLSX, SAV,
  Parquet; a path, bytes or an upload) as text, with the spreadsheet row
  number of every row (:class:`analysis.io.RawTable`);
* :func:`map_table`: an optional :class:`analysis.mapping.ColumnMapping`
  (another tool's column names and answer labels onto the contract);
* :func:`validate` (:func:`analysis.validation.validate_frame`): the data
  contract and the answer rules of :mod:`analysis.answers`;
* :func:`scrub`: contact details out of the free text (:mod:`analysis.scrub`);
* :func:`check_round`: every row belongs to the round it goes into (its
  ``round_id``, one of the round's institutions and respondent types).

:func:`prepare_import` runs them all and never raises for a bad file: the
:class:`PreparedImport` carries the :class:`~analysis.validation.ValidationReport`
(file, row, column, value, rule, message; true counts however many are
listed).  The last step, the insert, belongs to storage
(``Storage.insert_prepared``: all or nothing, one transaction, a final check
for response ids already stored).  The command line (``survey-app import``,
through ``Storage.import_responses``), the Import page and the demo loader
(``Storage.ensure_demo_round``) all go through here.

Row numbers travel explicitly (:attr:`PreparedImport.rows`, one per frame
row), never in ``DataFrame.attrs``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol

import numpy as np
import pandas as pd

from . import contract
from .answers import quote
from .frame import empty_frame
from .io import RawTable, ReadError, _source_name, read_table
from .mapping import ColumnMapping, apply_mapping
from .scrub import scrub_text
from .validation import ErrorRecord, ValidationReport, report_from_records, unreadable_report, validate_frame

__all__ = [
    "PreparedImport",
    "RawTable",
    "RoundDescription",
    "check_round",
    "map_table",
    "prepare_import",
    "read",
    "round_errors",
    "scrub",
    "validate",
]


class RoundLike(Protocol):
    id: str
    gis: Sequence[str]
    respondent_types: Sequence[str]


@dataclass(frozen=True)
class RoundDescription:
    """What an import is checked against: the round's id, institutions and respondent types.

    ``survey_app.storage.RoundInfo`` has the same three attributes and can be
    passed wherever a round description is asked for.
    """

    id: str
    gis: tuple[str, ...]
    respondent_types: tuple[str, ...] = contract.RESPONDENT_TYPES


#: The synthetic demo round (all five institutions, parents and youths).
DEMO_ROUND = RoundDescription(contract.DEMO_ROUND_ID, contract.GI_CODES, contract.RESPONDENT_TYPES)


@dataclass(frozen=True)
class PreparedImport:
    """Responses ready to insert, or the report of why not.

    ``frame`` is the canonical response frame (contract columns, plus columns
    the questionnaire defines) when ``report.ok``, else empty; ``rows`` the
    spreadsheet row of each of its rows; ``round_id`` the round it was
    checked against (``None`` before :func:`check_round`); ``scrubbed`` tells
    whether free text went through :func:`scrub`.
    """

    frame: pd.DataFrame
    rows: tuple[int, ...]
    report: ValidationReport
    round_id: str | None = None
    scrubbed: bool = False

    def __post_init__(self):
        if len(self.rows) != len(self.frame):
            raise ValueError(f"{len(self.rows)} row numbers for {len(self.frame)} rows")

    @property
    def ok(self) -> bool:
        return self.report.ok

    @property
    def file(self) -> str:
        return self.report.file

    def __len__(self) -> int:
        return len(self.frame)

    def rejected(self, report: ValidationReport) -> PreparedImport:
        """The same import with ``report`` and nothing left to insert."""
        return replace(self, frame=self.frame.iloc[0:0], rows=(), report=report)


# --------------------------------------------------------------------------- the steps


def read(source: Any, *, file: str | None = None, questionnaire=None) -> RawTable:
    """Step 1: the file as text with its row numbers (:func:`analysis.io.read_table`).

    ``source`` may also be a :class:`RawTable` (returned as it is) or a
    DataFrame (rows numbered 2, 3, ... as if it were a file with a header).
    Raises :class:`analysis.io.ReadError` for a file that cannot be read.
    """
    if isinstance(source, RawTable):
        return source
    if isinstance(source, pd.DataFrame):
        return RawTable.of(source, file=file or "<data>")
    return read_table(source, file=file, questionnaire=questionnaire)


def map_table(raw: RawTable, mapping: ColumnMapping | None, *, seed: int | None = None) -> RawTable:
    """Step 2: columns and answers onto the contract (:func:`analysis.mapping.apply_mapping`).

    The rows stay the same (number and order), so they keep their row numbers.
    """
    if mapping is None:
        return raw
    return RawTable(apply_mapping(raw.frame, mapping, seed=seed), raw.rows, raw.file, raw.field_counts)


def validate(raw: RawTable, *, questionnaire=None, existing_ids: Iterable[str] = ()) -> PreparedImport:
    """Step 3: the data contract and the answer rules (:func:`analysis.validation.validate_frame`)."""
    frame, report = validate_frame(
        raw.frame,
        file=raw.file,
        questionnaire=questionnaire,
        existing_ids=existing_ids,
        row_numbers=raw.rows,
        field_counts=raw.field_counts,
    )
    rows = raw.rows if report.ok else ()
    return PreparedImport(frame.reset_index(drop=True), tuple(rows), report)


def scrub(prepared: PreparedImport) -> PreparedImport:
    """Step 4: contact details (phone, e-mail, IBAN, ...) out of the comments (:func:`analysis.scrub.scrub_text`)."""
    if not prepared.ok or prepared.scrubbed:
        return prepared
    frame = prepared.frame.copy()
    for c in contract.COMMENT_COLUMNS:
        if c in frame.columns:
            frame[c] = frame[c].map(scrub_text, na_action="ignore").astype("string")
    return replace(prepared, frame=frame, scrubbed=True)


def round_errors(file: str, frame: pd.DataFrame, round: RoundLike, rows: Sequence[int]) -> list[ErrorRecord]:
    """Rows that do not belong in ``round``: another round_id (``wrong_round``), an institution
    (``gi_not_in_round``) or respondent type (``respondent_type_not_in_round``) outside it.

    Nothing is rewritten: a row naming another round is an error, not moved.
    """
    gis, types = tuple(round.gis), tuple(round.respondent_types)
    checks = (
        ("round_id", "wrong_round", (round.id,)),
        ("gi", "gi_not_in_round", gis),
        ("respondent_type", "respondent_type_not_in_round", types),
    )
    out = []
    for col, rule, allowed in checks:
        s = frame[col]
        bad = (~s.isin(list(allowed))).fillna(True).to_numpy()
        for i in np.flatnonzero(bad):
            v = s.iloc[i]
            v = None if v is pd.NA else str(v)
            params = {"value": quote(v), "round": round.id, "allowed": ", ".join(allowed)}
            out.append(ErrorRecord(file, int(rows[i]), col, v, rule, params))
    out.sort(key=lambda e: e.row)
    return out


def check_round(prepared: PreparedImport, round: RoundLike) -> PreparedImport:
    """Step 5: every row belongs to ``round`` (:func:`round_errors`); the report counts them all."""
    if not prepared.ok:
        return replace(prepared, round_id=round.id)
    errors = round_errors(prepared.file, prepared.frame, round, prepared.rows)
    if errors:
        report = report_from_records(
            prepared.file, errors, warnings=prepared.report.warnings, n_rows=prepared.report.n_rows
        )
        return replace(prepared.rejected(report), round_id=round.id)
    return replace(prepared, round_id=round.id)


# --------------------------------------------------------------------------- all of them


def prepare_import(
    source: Any,
    *,
    file: str | None = None,
    mapping: ColumnMapping | None = None,
    round: RoundLike | None = None,
    questionnaire=None,
    existing_ids: Iterable[str] = (),
) -> PreparedImport:
    """Read, map, validate, scrub and check against ``round``: everything before the insert.

    Never raises for a bad file: a file that cannot be read gives the single
    error ``unreadable_file``; any error leaves nothing to insert (the report
    says why, with file, row, column and value).  Without ``round`` the round
    check is left out (``round_id`` stays ``None``; storage will not insert it).
    """
    try:
        raw = read(source, file=file, questionnaire=questionnaire)
    except ReadError as exc:
        name = _source_name(source, file)
        return PreparedImport(empty_frame(), (), unreadable_report(name, exc.reason, rule=exc.rule))
    prepared = scrub(validate(map_table(raw, mapping), questionnaire=questionnaire, existing_ids=existing_ids))
    return check_round(prepared, round) if round is not None else prepared
