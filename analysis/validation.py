"""Check a response table against data contract v1 and collect every problem.

The design follows frictionless-py: validation never stops at the first
problem.  Every problem becomes an :class:`ErrorRecord` (file, row, column,
value, rule, message) in a :class:`ValidationReport`; the caller decides
whether to raise (:meth:`ValidationReport.raise_if_errors`).  A record keeps
its rule and the named parameters of its message; the words come from the
catalog (``validation.<rule>`` in ``analysis/locales/<lang>.yaml``, see
:mod:`analysis.messages`) when it is shown: Dutch in the app, English on the
command line.
A file with any error is rejected whole (contract section 1): the frame that
:func:`validate_frame` returns is then empty.

Rows are numbered as a spreadsheet shows them: the header is row 1, so the
first data row is row 2.  For ``.sav`` and ``.parquet`` files the same rule
holds (case 1 is row 2).  Header problems (a missing, unknown or doubled
column) have row 1.

Rules (stable ids, errors unless noted):

==================  =========================================================
``missing_column``  a contract column is absent (the two comments may be).
``duplicate_column`` the same column name appears twice in the header.
``required_value``  response_id, round_id, gi, respondent_type or
                    submitted_week is empty.
``unknown_code``    a code column holds a value that is not one of its codes
                    (codes are lower-case; surrounding spaces are stripped).
                    The message suggests the right code where it can
                    ("did you mean 'ja'?").  Also the optional columns of
                    contract 1.1 (:data:`analysis.contract.OPTIONAL_COLUMNS`:
                    ``questionnaire_variant`` is ``standaard`` or
                    ``makkelijk``; an empty cell, or no such column, means
                    ``standaard``).
``not_integer``     n_workers or grade is not a whole number ("7.5", "zeven").
                    "7.0" counts as 7.
``out_of_range``    n_workers outside 0..6 or grade outside 1..10.
``bad_uuid``        response_id is not a UUID version 4 in the usual
                    36-character form.  Upper case is accepted and stored
                    lower-case.
``duplicate_id``    response_id occurs twice in the file, or is already in
                    the database (``existing_ids``).  Compared lower-case.
``bad_week``        submitted_week is not an ISO week ``YYYY-Www`` that
                    exists in that year (W53 only in long years).
``bad_gi``          gi is not an institution code: 1 to 20 letters, digits,
                    ``_`` or ``-``, starting with a letter or digit
                    (contract 1.1, :data:`analysis.contract.GI_RE`).
``text_too_long``   a comment is longer than its questionnaire item allows
                    (``max_length``; :data:`MAX_TEXT_LENGTH` for a text item
                    without one); the value is not copied into the record,
                    it may hold personal data.
``unknown_column``  warning: a column that is not in the contract and not
                    defined by the questionnaire is reported and ignored.
``no_rows``         warning: the file holds a header but no data rows.
``wrong_field_count`` a row has more (or, in a CSV file, fewer) cells than
                    the header (``field_counts``, reported by :mod:`analysis.io`).
``too_many_errors`` a note added after :data:`MAX_ERRORS` records; the
                    report's ``n_errors`` and ``n_error_rows`` still count
                    all of them.
==================  =========================================================

``analysis.io`` adds ``unreadable_file``; :mod:`analysis.pipeline` adds the
round checks (``wrong_round``, ``gi_not_in_round``,
``respondent_type_not_in_round``).

What a valid *answer* is (codes, whole numbers, ranges, longest texts, and
the messages) is defined once in :mod:`analysis.answers`; the checks here
apply those rules column by column.

Each rule is one small check function (``check_*`` below, listed in
:data:`CHECKS`, the way frictionless keeps one check per module); each gets
the prepared :class:`CheckContext` and flags cells into its collector, and
:func:`validate_frame` collects them into the report.  Row numbers travel
explicitly (``row_numbers``), never in ``DataFrame.attrs``.

Example::

    frame, report = validate_frame(raw, file="ronde1.csv")
    if not report.ok:
        print(report.summary("nl"))
"""

from __future__ import annotations

import datetime as _dt
import difflib
import numbers
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from . import answers, contract, i18n
from .answers import suggest_code  # noqa: F401  (re-exported: analysis.mapping uses it)
from .frame import arrow_text, canonical_frame, clean_text_series, empty_frame
from .messages import Message, Recorded, count_text, message

MAX_ERRORS = 1000
#: Longest free text of a text item without ``max_length`` (the contract comments
#: take theirs from the questionnaire, see :func:`analysis.answers.answer_rules`).
MAX_TEXT_LENGTH = answers.DEFAULT_MAX_TEXT_LENGTH

#: Every rule id of a report (the message of each is ``validation.<rule>`` in the catalog).
RULES: tuple[str, ...] = (
    "missing_column",
    "duplicate_column",
    "required_value",
    "unknown_code",
    "not_integer",
    "out_of_range",
    "bad_uuid",
    "duplicate_id",
    "bad_week",
    "bad_gi",
    "text_too_long",
    "unknown_column",
    "no_rows",
    "too_many_errors",
    "unreadable_file",
    "file_too_large",
    "wrong_field_count",
    "wrong_round",
    "gi_not_in_round",
    "respondent_type_not_in_round",
)

_UUID4_RE = r"(?i)[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"
_WEEK_RE = re.compile(r"(\d{4})-W(\d{2})")


# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class ErrorRecord(Recorded):
    """One problem in one place: file, row, column, value, rule and the message's parameters.

    ``row`` is 1-based as a spreadsheet shows it (header = 1, first data row
    = 2); ``None`` when the problem concerns the whole file.  ``column`` is
    ``None`` when the problem concerns a whole row or file.  ``value`` is the
    offending cell text (``None`` for empty cells, header problems and long
    free text).

    The message is not stored as words: it is the catalog text
    ``validation.<key>`` (``key`` defaults to ``rule``; a rule with more than
    one wording names the other key) filled from ``params``, in the reader's
    language: :meth:`message_in` (Dutch in the app), :attr:`message` (English,
    the command line).
    """

    file: str
    row: int | None
    column: str | None
    value: str | None
    rule: str
    params: Mapping[str, Any] = field(default_factory=dict, hash=False)
    key: str | None = None

    def where(self, lang: str = "en") -> str:
        """'row 3, column grade' (or 'rij 3, kolom grade')."""
        parts = []
        if self.row is not None:
            parts.append(i18n.text("validation.where_row", lang, row=self.row))
        if self.column is not None:
            parts.append(i18n.text("validation.where_column", lang, column=self.column))
        return ", ".join(parts)

    def text(self, lang: str = "en") -> str:
        """'file: row 3, column grade: message' in ``lang``."""
        msg = self.message_in(lang)
        where = self.where(lang)
        return f"{self.file}: {where}: {msg}" if where else f"{self.file}: {msg}"


RECORD_COLUMNS = ("severity", "file", "row", "column", "value", "rule", "message")


class ValidationError(ValueError):
    """Raised by :meth:`ValidationReport.raise_if_errors`; carries the report (English text)."""

    def __init__(self, report: ValidationReport, *, max_listed: int = 5):
        self.report = report
        real = [e for e in report.errors if e.rule != "too_many_errors"]
        shown = [e.text("en") for e in real[:max_listed]]
        more = report.n_errors - len(shown)
        text = f"{report.file}: {report.error_summary('en', listed=len(shown))}: " + "; ".join(shown)
        if more > 0:
            text += "; " + i18n.text("validation.and_more", "en", n=count_text(more, "en"))
        super().__init__(text)


@dataclass
class ValidationReport:
    """All problems found in one file (or frame).

    ``errors`` reject the file; ``warnings`` (unknown columns, no rows) do
    not.  At most :data:`MAX_ERRORS` errors are listed, followed by one
    ``too_many_errors`` note; ``n_errors`` counts every error found and
    ``n_error_rows`` every row with at least one error (the header is row 1),
    also when only the first ones are listed (:meth:`error_summary`).
    """

    file: str
    errors: list[ErrorRecord] = field(default_factory=list)
    warnings: list[ErrorRecord] = field(default_factory=list)
    n_rows: int = 0
    n_errors: int = 0
    n_error_rows: int = 0

    def __post_init__(self):
        real = [e for e in self.errors if e.rule != "too_many_errors"]
        self.n_errors = max(self.n_errors, len(real))
        self.n_error_rows = max(self.n_error_rows, len({e.row for e in real if e.row is not None}))

    @property
    def n_listed(self) -> int:
        """Errors listed in :attr:`errors` (without the ``too_many_errors`` note)."""
        return sum(1 for e in self.errors if e.rule != "too_many_errors")

    def error_summary(self, lang: str = "en", *, listed: int | None = None) -> str:
        """How many rows have errors, truthfully, and how many errors are listed.

        "2.417 rijen hebben fouten; de eerste 1.000 staan hieronder" /
        "2,417 rows have errors; the first 1,000 are listed".  ``listed`` is the
        number the caller shows (default: the records in :attr:`errors`).  A
        problem of the whole file (no row) is counted as an error instead:
        "1 fout" / "1 error".  Empty when there are no errors.
        """
        if not self.errors:
            return ""
        rows, errs = self.n_error_rows, self.n_errors
        shown = min(self.n_listed if listed is None else listed, errs)
        if rows == 1 and errs == 1:
            text = i18n.text("validation.summary_one_error", lang)
        elif rows:
            text = i18n.text("validation.summary_rows", lang, count=rows, n=count_text(rows, lang))
        else:
            text = i18n.text("validation.summary_errors", lang, count=errs, n=count_text(errs, lang))
        if shown < errs:
            text = i18n.text("validation.summary_listed", lang, summary=text, n=count_text(shown, lang))
        return text

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def truncated(self) -> bool:
        return any(e.rule == "too_many_errors" for e in self.errors)

    def raise_if_errors(self) -> None:
        if self.errors:
            raise ValidationError(self)

    def rules(self) -> set[str]:
        return {e.rule for e in self.errors} | {w.rule for w in self.warnings}

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        """Errors then warnings as a table with columns :data:`RECORD_COLUMNS` (messages in ``lang``)."""
        rows = [{"severity": "error", **_asdict(e, lang)} for e in self.errors]
        rows += [{"severity": "warning", **_asdict(w, lang)} for w in self.warnings]
        out = pd.DataFrame(rows, columns=list(RECORD_COLUMNS))
        out["row"] = out["row"].astype("Int64")
        for col in RECORD_COLUMNS:
            if col != "row":
                out[col] = out[col].astype("string")
        return out

    def summary(self, lang: str = "en", *, max_lines: int = 20) -> str:
        """A short readable summary in ``lang`` listing the first problems."""
        ne, nw = self.n_errors, len(self.warnings)
        head = i18n.text(
            "validation.summary_head",
            lang,
            file=self.file,
            rows=i18n.text("count.rows", lang, count=self.n_rows),
            errors=i18n.text("validation.summary_errors", lang, count=ne, n=count_text(ne, lang)),
            warnings=i18n.text("validation.count_warnings", lang, count=nw, n=count_text(nw, lang)),
        )
        verdict = i18n.text("validation.file_accepted" if self.ok else "validation.file_rejected", lang)
        warn = i18n.text("validation.warning", lang)
        lines = [head, verdict]
        items = [(e, "") for e in self.errors] + [(w, f"{warn}: ") for w in self.warnings]
        for rec, prefix in items[:max_lines]:
            where = rec.where(lang)
            lines.append(f"- {prefix}{where + ': ' if where else ''}{rec.message_in(lang)}")
        if len(items) > max_lines:
            lines.append("- " + i18n.text("validation.and_more", lang, n=len(items) - max_lines))
        return "\n".join(lines)


def _asdict(rec: ErrorRecord, lang: str) -> dict:
    return {k: rec.message_in(lang) if k == "message" else getattr(rec, k) for k in RECORD_COLUMNS[1:]}


def too_many_note(file: str, total: int, listed: int) -> ErrorRecord:
    """The ``too_many_errors`` record closing a list of ``listed`` of ``total`` errors."""
    return ErrorRecord(file, None, None, None, "too_many_errors", {"total": total, "listed": listed})


def report_from_records(
    file: str, records: Sequence[ErrorRecord], *, warnings: Sequence[ErrorRecord] = (), n_rows: int = 0
) -> ValidationReport:
    """A report of ``records`` (all of them, in row order): the first :data:`MAX_ERRORS`
    listed, the true counts kept (used for the round and database checks of an import)."""
    records = sorted(records, key=lambda e: e.row if e.row is not None else 0)
    listed = records[:MAX_ERRORS]
    errors = listed + ([too_many_note(file, len(records), len(listed))] if len(records) > len(listed) else [])
    return ValidationReport(
        file=file,
        errors=errors,
        warnings=list(warnings),
        n_rows=n_rows,
        n_errors=len(records),
        n_error_rows=len({e.row for e in records if e.row is not None}),
    )


def unreadable_report(file: str, reason: Message, *, rule: str = "unreadable_file") -> ValidationReport:
    """A report with the single error ``unreadable_file`` (or ``file_too_large``): the file
    cannot be read, for ``reason`` (a :class:`~analysis.messages.Message`, from :mod:`analysis.io`)."""
    return ValidationReport(file=file, errors=[ErrorRecord(file, None, None, None, rule, {"reason": reason})])


# --------------------------------------------------------------------------- cell text


def cell_text(v: Any) -> str | None:
    """A cell value as stripped text; ``None`` for empty.

    Whole floats lose their ``.0`` (Excel and SPSS store 7 as 7.0).
    """
    if type(v) is str:  # the usual case, first
        v = v.strip()
        return v or None
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, bool) or isinstance(v, np.bool_):
        return str(bool(v)).lower()
    if isinstance(v, numbers.Integral):
        return str(int(v))
    if isinstance(v, numbers.Real):
        f = float(v)
        if f != f:
            return None
        if f.is_integer() and abs(f) < 1e16:
            return str(int(f))
        return repr(f)
    s = str(v).strip()
    return s or None


def _text_series(s: pd.Series) -> pd.Series:
    """Column -> pandas ``string`` series, stripped, empty -> NA."""
    fast = clean_text_series(s)  # whole columns in Arrow; no copy when the reader stripped already
    if fast is not None:
        return fast
    if isinstance(s.dtype, pd.StringDtype):
        t = s.astype("string").str.strip()
    else:
        t = pd.Series(s.map(cell_text).array, index=s.index, dtype="object").astype("string")
    t = t.reset_index(drop=True)
    return t.mask(t == "", pd.NA)


# --------------------------------------------------------------------------- messages

_q = answers.quote


def gi_rule() -> Message:
    """What an institution code may be (contract 1.1, :data:`analysis.contract.GI_RE`), in words."""
    return message("gi_rule", max=contract.GI_MAX_LENGTH)


def _week_ok(value: str) -> bool:
    m = _WEEK_RE.fullmatch(value)
    if not m:
        return False
    year, week = int(m.group(1)), int(m.group(2))
    if year < 1:
        return False
    return 1 <= week <= _dt.date(year, 12, 28).isocalendar()[1]


# --------------------------------------------------------------------------- the collector

#: ``describe(position) -> (value, message)`` of a flagged cell.
Describe = Callable[[int], tuple[str | None, Message]]


def _record(file: str, row: int | None, column: str | None, value: str | None, rule: str, msg: Message):
    return ErrorRecord(file, row, column, value, rule, msg.params, None if msg.key == rule else msg.key)


class _Collector:
    """Collects flagged cells as arrays and builds the first MAX_ERRORS records lazily.

    Counts stay true however many are flagged: ``total`` errors, and the rows
    they are in (:meth:`n_error_rows`).
    """

    def __init__(self, file: str, rows: np.ndarray):
        self.file = file
        self.rows = rows  # spreadsheet row number per position
        self.header: list[ErrorRecord] = []
        self.row_records: list[ErrorRecord] = []  # whole-row problems (wrong_field_count)
        self.warnings: list[ErrorRecord] = []
        self.chunks: list[tuple[np.ndarray, int, str, str, Describe]] = []
        self.total = 0

    def header_error(self, column: str | None, rule: str, msg: Message, value: str | None = None):
        self.header.append(_record(self.file, 1, column, value, rule, msg))
        self.total += 1

    def row_error(self, row: int, rule: str, msg: Message):
        self.row_records.append(_record(self.file, row, None, None, rule, msg))
        self.total += 1

    def warn(self, row, column, rule, msg: Message, value=None):
        self.warnings.append(_record(self.file, row, column, value, rule, msg))

    def flag(self, positions: np.ndarray, colpos: int, column: str, rule: str, describe: Describe):
        """``describe(pos) -> (value, message)`` is only called for listed records."""
        positions = np.asarray(positions, dtype=np.int64)
        if len(positions):
            self.chunks.append((positions, colpos, column, rule, describe))
            self.total += len(positions)

    def n_error_rows(self) -> int:
        parts = [self.rows[c[0]] for c in self.chunks]
        parts.append(np.array([e.row for e in self.header + self.row_records], dtype=np.int64))
        return int(len(np.unique(np.concatenate(parts))))

    def records(self) -> list[ErrorRecord]:
        out = list(self.header[:MAX_ERRORS])
        room = MAX_ERRORS - len(out)
        if self.chunks and room > 0:
            pos = np.concatenate([c[0] for c in self.chunks])
            colpos = np.concatenate([np.full(len(c[0]), c[1]) for c in self.chunks])
            chunk = np.concatenate([np.full(len(c[0]), i) for i, c in enumerate(self.chunks)])
            order = np.lexsort((chunk, colpos, pos))[:room]
            for k in order:
                _, _, column, rule, describe = self.chunks[chunk[k]]
                p = int(pos[k])
                value, msg = describe(p)
                out.append(_record(self.file, int(self.rows[p]), column, value, rule, msg))
        if self.row_records:
            # whole-row problems join the cell problems in row order (stable: cells first)
            out = sorted(out + self.row_records, key=lambda e: e.row if e.row is not None else 0)[:MAX_ERRORS]
        if self.total > len(out):
            out.append(too_many_note(self.file, self.total, len(out)))
        return out


# --------------------------------------------------------------------------- the context the checks share


@dataclass
class CheckContext:
    """What every check reads: the table as stripped text, its row numbers and the rules.

    ``texts`` holds the kept columns (contract columns and columns the
    questionnaire defines), each as a pandas ``string`` series (stripped,
    empty -> NA); ``columns`` maps each header name to its first position,
    ``names`` is the header as written (stripped).  Checks flag problems into
    ``collector``; :func:`check_response_ids` leaves the lower-cased ids in
    ``ids``, :func:`check_integers` the parsed numbers in ``ints``.
    """

    file: str
    n: int
    rows: np.ndarray
    names: list[str]
    columns: dict[str, int]
    texts: dict[str, pd.Series]
    unknown: list[tuple[str, pd.Series]]
    extra_items: dict[str, Any]
    rules: dict[str, answers.AnswerRule]
    order: dict[str, int]
    existing_ids: set[str]
    field_counts: Sequence[tuple[int, int, int]]
    collector: _Collector
    ids: pd.Series | None = None
    ints: dict[str, pd.Series] = field(default_factory=dict)

    def positions(self, mask: pd.Series) -> np.ndarray:
        return np.flatnonzero(mask.fillna(False).to_numpy(dtype=bool))

    def value(self, column: str) -> Callable[[int], str | None]:
        s = self.texts[column]
        return lambda p: s.iloc[p] if s.iloc[p] is not pd.NA else None

    def flag(self, mask: pd.Series, column: str, rule: str, describe: Describe) -> None:
        self.collector.flag(self.positions(mask), self.order[column], column, rule, describe)


def _context(df, *, file, questionnaire, existing_ids, rows, field_counts) -> CheckContext:
    names = [str(c).strip().lstrip("\ufeff") for c in df.columns]
    columns: dict[str, int] = {}
    for j, name in enumerate(names):
        columns.setdefault(name, j)
    extra_items = {}
    if questionnaire is not None:
        extra_items = {i.id: i for i in questionnaire.items if i.id not in contract.COLUMNS}
    texts: dict[str, pd.Series] = {}
    unknown: list[tuple[str, pd.Series]] = []
    for name, j in columns.items():
        s = _text_series(df.iloc[:, j])
        if name in contract.COLUMNS or name in extra_items or name in contract.OPTIONAL_COLUMNS:
            texts[name] = s
        else:
            unknown.append((name, s))
    return CheckContext(
        file=file,
        n=len(df),
        rows=rows,
        names=names,
        columns=columns,
        texts=texts,
        unknown=unknown,
        extra_items=extra_items,
        rules=answers.answer_rules(questionnaire),
        order={c: i for i, c in enumerate([*contract.COLUMNS, *extra_items, *contract.OPTIONAL_COLUMNS])},
        existing_ids={str(x).strip().lower() for x in existing_ids if x is not None},
        field_counts=list(field_counts),
        collector=_Collector(file, rows),
    )


# --------------------------------------------------------------------------- the checks, one per rule


def check_duplicate_columns(ctx: CheckContext) -> None:
    """``duplicate_column``: the same name twice in the header (the first one is used)."""
    seen: set[str] = set()
    for name in ctx.names:
        if name in seen:
            ctx.collector.header_error(name, "duplicate_column", message("duplicate_column", column=name))
        seen.add(name)


def check_missing_columns(ctx: CheckContext) -> None:
    """``missing_column``: a required contract column is absent (with a hint for a near name)."""
    lower_names = {nm.lower(): nm for nm in ctx.columns}
    for c in contract.REQUIRED_COLUMNS:
        if c in ctx.columns:
            continue
        near = lower_names.get(c) or next(iter(difflib.get_close_matches(c, list(ctx.columns), n=1, cutoff=0.8)), None)
        if near is None:
            msg = message("missing_column", column=c)
        else:
            msg = message("missing_column_near", column=c, near=near)
        ctx.collector.header_error(c, "missing_column", msg)


def check_unknown_columns(ctx: CheckContext) -> None:
    """Warning ``unknown_column``: not in the contract nor the questionnaire (ignored)."""
    for name, s in ctx.unknown:
        if name == "" and not s.notna().any():
            continue  # trailing delimiter: an empty column without a name
        ctx.collector.warn(1, name, "unknown_column", message("unknown_column", column=name))


def check_no_rows(ctx: CheckContext) -> None:
    """Warning ``no_rows``: a header without data rows."""
    if ctx.n == 0:
        ctx.collector.warn(None, None, "no_rows", message("no_rows"))


def check_field_counts(ctx: CheckContext) -> None:
    """``wrong_field_count``: a row with more cells than the header (or fewer, in a CSV file),
    as the reader reported them (``field_counts``: row, cells, header width)."""
    xlsx = PurePath(ctx.file).suffix.lower() in (".xlsx", ".xlsm")
    for row, cells, width in ctx.field_counts:
        if cells < width:
            key = "wrong_field_count_fewer"
        elif xlsx:
            key = "wrong_field_count_xlsx"
        else:
            key = "wrong_field_count"
        ctx.collector.row_error(int(row), "wrong_field_count", message(key, cells=cells, width=width))


def check_required_values(ctx: CheckContext) -> None:
    """``required_value``: response_id, round_id, gi, respondent_type or submitted_week is empty."""
    for c in contract.ID_COLUMNS:
        if c in ctx.texts:
            ctx.flag(
                ctx.texts[c].isna(),
                c,
                "required_value",
                lambda p, c=c: (None, message("required_value", column=c)),
            )


def check_response_ids(ctx: CheckContext) -> None:
    """``bad_uuid``: response_id is not a UUID version 4 (upper case is accepted, stored lower-case)."""
    if "response_id" not in ctx.texts:
        return
    s = ctx.texts["response_id"]
    v = ctx.value("response_id")
    ctx.flag(
        s.notna() & ~s.str.fullmatch(_UUID4_RE).fillna(False),
        "response_id",
        "bad_uuid",
        lambda p: (v(p), message("bad_uuid", value=_q(v(p)))),
    )
    ctx.ids = s.str.lower()


def check_duplicate_ids(ctx: CheckContext) -> None:
    """``duplicate_id``: a response_id seen before in the file (compared lower-case)."""
    if ctx.ids is None:
        return
    ids, v = ctx.ids, ctx.value("response_id")
    dup = ids.notna() & ids.duplicated(keep="first")
    if not dup.any():
        return
    firsts = ids.dropna().drop_duplicates(keep="first")
    first_row = dict(zip(firsts.tolist(), ctx.rows[firsts.index.to_numpy()].tolist()))
    ctx.flag(
        dup,
        "response_id",
        "duplicate_id",
        lambda p: (v(p), message("duplicate_id", value=_q(v(p)), first_row=first_row[ids.iloc[p]])),
    )


def check_known_ids(ctx: CheckContext) -> None:
    """``duplicate_id``: a response_id already stored (``existing_ids``)."""
    if ctx.ids is None or not ctx.existing_ids:
        return
    ids, v = ctx.ids, ctx.value("response_id")
    dup = ids.notna() & ids.duplicated(keep="first")
    ctx.flag(
        ids.isin(ctx.existing_ids).fillna(False) & ~dup,
        "response_id",
        "duplicate_id",
        lambda p: (v(p), message("duplicate_id_stored", value=_q(v(p)))),
    )


def check_weeks(ctx: CheckContext) -> None:
    """``bad_week``: submitted_week is not an ISO week ``YYYY-Www`` of that year."""
    if "submitted_week" not in ctx.texts:
        return
    s = ctx.texts["submitted_week"]
    bad = [u for u in s.dropna().unique() if not _week_ok(u)]  # each distinct week checked once
    v = ctx.value("submitted_week")
    ctx.flag(
        s.isin(bad),
        "submitted_week",
        "bad_week",
        lambda p: (v(p), message("bad_week", value=_q(v(p)))),
    )


def check_gi(ctx: CheckContext) -> None:
    """``bad_gi``: gi is not an institution code (contract 1.1, :data:`analysis.contract.GI_RE`)."""
    if "gi" not in ctx.texts:
        return
    s = ctx.texts["gi"]
    v = ctx.value("gi")
    ctx.flag(
        s.notna() & ~s.str.fullmatch(contract.GI_PATTERN).fillna(False),
        "gi",
        "bad_gi",
        lambda p: (v(p), message("bad_gi", value=_q(v(p)), gi_rule=gi_rule())),
    )


def _rules_of(ctx: CheckContext, kind: str) -> list[answers.AnswerRule]:
    return [r for c, r in ctx.rules.items() if r.kind == kind and c in ctx.texts]


def _describer(ctx: CheckContext, rule: answers.AnswerRule, rule_id: str, *, keep_value: bool = True) -> Describe:
    v = ctx.value(rule.column)

    def describe(p: int):
        x = v(p)
        return (x if keep_value else None, answers.describe(rule_id, rule, x))

    return describe


def check_codes(ctx: CheckContext) -> None:
    """``unknown_code``: a value that is not one of the column's codes (:mod:`analysis.answers`)."""
    for rule in _rules_of(ctx, "code"):
        s = ctx.texts[rule.column]
        ctx.flag(
            s.notna() & ~s.isin(list(rule.codes)).fillna(False),
            rule.column,
            "unknown_code",
            _describer(ctx, rule, "unknown_code"),
        )


def _whole_numbers(s: pd.Series, is_int: pd.Series) -> pd.Series:
    """The cells matching :data:`analysis.answers.INTEGER_PATTERN` as ``Float64`` (others NA)."""
    arr = arrow_text(s)
    if arr is None:
        return pd.to_numeric(s.where(is_int, pd.NA), errors="coerce").astype("Float64")
    mask = pa.array(is_int.to_numpy(dtype=bool))
    num = pc.cast(pc.if_else(mask, arr, pa.scalar(None, arr.type)), pa.float64())  # Arrow parses "+7", "7.0"
    values = num.fill_null(0.0).to_numpy()
    return pd.Series(pd.arrays.FloatingArray(values, num.is_null().to_numpy(zero_copy_only=False)))


def check_integers(ctx: CheckContext) -> None:
    """``not_integer`` and ``out_of_range``: whole numbers in the rule's range (:mod:`analysis.answers`)."""
    for rule in _rules_of(ctx, "integer"):
        c, s = rule.column, ctx.texts[rule.column]
        is_int = s.str.fullmatch(answers.INTEGER_PATTERN).fillna(False)
        ctx.flag(s.notna() & ~is_int, c, "not_integer", _describer(ctx, rule, "not_integer"))
        num = _whole_numbers(s, is_int)
        num_int = num.round().astype("Int64")
        if rule.allowed is None:
            out = is_int & ((num < rule.lo) | (num > rule.hi)).fillna(False)
        else:
            out = is_int & ~num_int.isin(list(rule.allowed)).fillna(False)
        ctx.flag(out, c, "out_of_range", _describer(ctx, rule, "out_of_range"))
        ctx.ints[c] = num_int


def check_text_lengths(ctx: CheckContext) -> None:
    """``text_too_long``: longer than the item's ``max_length`` (the text is not copied)."""
    for rule in _rules_of(ctx, "text"):
        s = ctx.texts[rule.column]
        ctx.flag(
            s.str.len() > rule.max_length,
            rule.column,
            "text_too_long",
            _describer(ctx, rule, "text_too_long", keep_value=False),
        )


def check_optional_codes(ctx: CheckContext) -> None:
    """``unknown_code``: an optional column of contract 1.1 (``questionnaire_variant``) holds a value
    that is not one of its codes (:data:`analysis.contract.OPTIONAL_COLUMNS`); empty cells are allowed."""
    for column, codes in contract.OPTIONAL_COLUMNS.items():
        if column not in ctx.texts:
            continue
        s = ctx.texts[column]
        rule = answers.AnswerRule(column, "code", codes=tuple(codes))
        ctx.flag(
            s.notna() & ~s.isin(list(codes)).fillna(False),
            column,
            "unknown_code",
            _describer(ctx, rule, "unknown_code"),
        )


#: Every check, in the order it runs; each flags its own rule(s).
CHECKS: tuple[Callable[[CheckContext], None], ...] = (
    check_duplicate_columns,
    check_missing_columns,
    check_unknown_columns,
    check_no_rows,
    check_field_counts,
    check_required_values,
    check_response_ids,
    check_duplicate_ids,
    check_known_ids,
    check_weeks,
    check_gi,
    check_codes,
    check_integers,
    check_text_lengths,
    check_optional_codes,
)


# --------------------------------------------------------------------------- validate_frame


def validate_frame(
    df: pd.DataFrame,
    *,
    file: str = "<data>",
    questionnaire=None,
    existing_ids: Iterable[str] = (),
    row_numbers: Sequence[int] | None = None,
    field_counts: Sequence[tuple[int, int, int]] = (),
) -> tuple[pd.DataFrame, ValidationReport]:
    """Check a response table against data contract v1: run every check in :data:`CHECKS`.

    Parameters
    ----------
    df : DataFrame
        One row per response, columns named as in the contract.  Values may be
        text (as read from a file, the usual case) or numbers; everything is
        compared as stripped text.
    file : str
        Name used in every :class:`ErrorRecord`.
    questionnaire : analysis.questionnaire.Questionnaire, optional
        The questionnaire whose rules apply (default: the built-in one, see
        :func:`analysis.answers.answer_rules`).  Extra columns it defines
        (item ids beyond the contract) are kept and checked against the item;
        other unknown columns give an ``unknown_column`` warning and are dropped.
    existing_ids : iterable of str
        response_ids already stored; a match is a ``duplicate_id`` error.
    row_numbers : sequence of int, optional
        Spreadsheet row number of each row (default: position + 2).
    field_counts : sequence of (row, cells, header width)
        Rows the reader found with a wrong number of cells (``wrong_field_count``).

    Returns
    -------
    (frame, report)
        ``frame`` is the canonical response frame (:func:`analysis.frame.canonical_frame`,
        plus kept questionnaire columns, plus ``questionnaire_variant`` when the
        file has it, empty cells as ``standaard``) when ``report.ok``, its rows in the
        order (and with the row numbers) of ``df``; otherwise an empty frame
        with the same columns (a file is accepted or rejected whole).
    """
    n = len(df)
    rows = np.arange(2, n + 2) if row_numbers is None else np.asarray(row_numbers, dtype=np.int64)
    if len(rows) != n:
        raise ValueError(f"row_numbers has {len(rows)} entries for {n} rows")
    ctx = _context(
        df, file=file, questionnaire=questionnaire, existing_ids=existing_ids, rows=rows, field_counts=field_counts
    )
    for check in CHECKS:
        check(ctx)
    col = ctx.collector
    report = ValidationReport(
        file=file,
        errors=col.records(),
        warnings=col.warnings,
        n_rows=n,
        n_errors=col.total,
        n_error_rows=col.n_error_rows(),
    )
    if not report.ok:
        out = empty_frame()
        for c, item in ctx.extra_items.items():
            if c in ctx.texts:
                out[c] = pd.Series(dtype="Int64" if item.type in ("count", "grade") else "string")
        for c in contract.OPTIONAL_COLUMNS:
            if c in ctx.texts:
                out[c] = pd.Series(dtype="string")
        return out, report

    # whole numbers as check_integers parsed them (every cell of an accepted file is one)
    clean = pd.DataFrame({c: ctx.ints.get(c, s) for c, s in ctx.texts.items() if c in contract.COLUMNS})
    if ctx.ids is not None:
        clean["response_id"] = ctx.ids
    out = canonical_frame(clean)
    for c in ctx.extra_items:
        if c in ctx.texts:
            out[c] = ctx.ints[c] if c in ctx.ints else ctx.texts[c]
    if contract.VARIANT_COLUMN in ctx.texts:  # an empty cell is the standard version
        out[contract.VARIANT_COLUMN] = ctx.texts[contract.VARIANT_COLUMN].fillna(contract.DEFAULT_VARIANT)
    return out, report
