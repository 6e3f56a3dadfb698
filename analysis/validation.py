"""Check a response table against data contract v1 and collect every problem.

The design follows frictionless-py: validation never stops at the first
problem.  Every problem becomes an :class:`ErrorRecord` (file, row, column,
value, rule, message in English and Dutch) in a :class:`ValidationReport`;
the caller decides whether to raise (:meth:`ValidationReport.raise_if_errors`).
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
                    ("did you mean 'ja'?").
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
``text_too_long``   a comment is longer than :data:`MAX_TEXT_LENGTH`
                    characters (the value is not copied into the record,
                    it may hold personal data).
``unknown_column``  warning: a column that is not in the contract and not
                    defined by the questionnaire is reported and ignored.
``no_rows``         warning: the file holds a header but no data rows.
``too_many_errors`` a note added after :data:`MAX_ERRORS` records; the
                    report's ``n_errors`` still counts all of them.
==================  =========================================================

``analysis.io`` adds ``unreadable_file`` and ``wrong_field_count``.

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
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from . import contract
from .frame import canonical_frame, empty_frame

MAX_ERRORS = 1000
MAX_TEXT_LENGTH = 2000

RULES: dict[str, tuple[str, str]] = {
    "missing_column": ("A required column is missing", "Een verplichte kolom ontbreekt"),
    "duplicate_column": ("A column appears twice", "Een kolom staat er twee keer in"),
    "required_value": ("A required cell is empty", "Een verplichte cel is leeg"),
    "unknown_code": ("Unknown answer code", "Onbekende antwoordcode"),
    "not_integer": ("Not a whole number", "Geen heel getal"),
    "out_of_range": ("Number outside the allowed range", "Getal buiten het toegestane bereik"),
    "bad_uuid": ("response_id is not a UUID4", "response_id is geen UUID4"),
    "duplicate_id": ("response_id is not unique", "response_id komt vaker voor"),
    "bad_week": ("Not a valid ISO week", "Geen geldige ISO-week"),
    "bad_gi": ("Institution code is not valid", "Code van de instelling is niet geldig"),
    "text_too_long": ("Text is too long", "Tekst is te lang"),
    "unknown_column": ("Unknown column (ignored)", "Onbekende kolom (genegeerd)"),
    "no_rows": ("The file holds no responses", "Het bestand bevat geen antwoorden"),
    "too_many_errors": ("Too many errors, the rest is not listed", "Te veel fouten, de rest staat er niet bij"),
    "unreadable_file": ("The file cannot be read", "Het bestand kan niet worden gelezen"),
    "wrong_field_count": ("Row has more cells than the header", "Rij heeft meer cellen dan de kopregel"),
}

_UUID4_RE = r"(?i)[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"
_WEEK_RE = re.compile(r"(\d{4})-W(\d{2})")
_INT_RE = r"[+-]?\d+(?:\.0*)?"
_NUMBER_RE = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)")


# --------------------------------------------------------------------------- row numbers


class SourceRows(tuple):
    """Spreadsheet row numbers of a frame's rows, kept in ``df.attrs['source_rows']``.

    An immutable tuple whose (deep) copy is itself: pandas deep-copies
    ``attrs`` on nearly every operation, which is slow for a plain list of
    100 000 ints; a numpy array there breaks ``pd.concat`` (it compares attrs).
    """

    __slots__ = ()

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self


# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class ErrorRecord:
    """One problem in one place.

    ``row`` is 1-based as a spreadsheet shows it (header = 1, first data row
    = 2); ``None`` when the problem concerns the whole file.  ``column`` is
    ``None`` when the problem concerns a whole row or file.  ``value`` is the
    offending cell text (``None`` for empty cells, header problems and long
    free text).
    """

    file: str
    row: int | None
    column: str | None
    value: str | None
    rule: str
    message: str
    message_nl: str

    def where(self, lang: str = "en") -> str:
        """'row 3, column grade' (or 'rij 3, kolom grade')."""
        r, c = ("rij", "kolom") if lang == "nl" else ("row", "column")
        parts = []
        if self.row is not None:
            parts.append(f"{r} {self.row}")
        if self.column is not None:
            parts.append(f"{c} {self.column}")
        return ", ".join(parts)

    def text(self, lang: str = "en") -> str:
        msg = self.message_nl if lang == "nl" else self.message
        where = self.where(lang)
        return f"{self.file}: {where}: {msg}" if where else f"{self.file}: {msg}"


RECORD_COLUMNS = ("severity", "file", "row", "column", "value", "rule", "message", "message_nl")


class ValidationError(ValueError):
    """Raised by :meth:`ValidationReport.raise_if_errors`; carries the report."""

    def __init__(self, report: ValidationReport, *, max_listed: int = 5):
        self.report = report
        shown = [e.text("en") for e in report.errors[:max_listed]]
        more = report.n_errors - len(shown)
        text = f"{report.file}: {report.n_errors} error(s): " + "; ".join(shown)
        if more > 0:
            text += f"; ... and {more} more"
        super().__init__(text)


@dataclass
class ValidationReport:
    """All problems found in one file (or frame).

    ``errors`` reject the file; ``warnings`` (unknown columns, no rows) do
    not.  At most :data:`MAX_ERRORS` errors are listed, followed by one
    ``too_many_errors`` note; ``n_errors`` counts every error found.
    """

    file: str
    errors: list[ErrorRecord] = field(default_factory=list)
    warnings: list[ErrorRecord] = field(default_factory=list)
    n_rows: int = 0
    n_errors: int = 0

    def __post_init__(self):
        real = sum(1 for e in self.errors if e.rule != "too_many_errors")
        self.n_errors = max(self.n_errors, real)

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

    def to_frame(self) -> pd.DataFrame:
        """Errors then warnings as a table with columns :data:`RECORD_COLUMNS`."""
        rows = [{"severity": "error", **_asdict(e)} for e in self.errors]
        rows += [{"severity": "warning", **_asdict(w)} for w in self.warnings]
        out = pd.DataFrame(rows, columns=list(RECORD_COLUMNS))
        out["row"] = out["row"].astype("Int64")
        for col in RECORD_COLUMNS:
            if col != "row":
                out[col] = out[col].astype("string")
        return out

    def summary(self, lang: str = "en", *, max_lines: int = 20) -> str:
        """A short readable summary (``lang`` 'en' or 'nl') listing the first problems."""
        ne, nw = self.n_errors, len(self.warnings)
        if lang == "nl":
            head = (
                f"{self.file}: {self.n_rows} {'rij' if self.n_rows == 1 else 'rijen'}, "
                f"{ne} {'fout' if ne == 1 else 'fouten'}, "
                f"{nw} {'waarschuwing' if nw == 1 else 'waarschuwingen'}."
            )
            verdict = "Het bestand is goedgekeurd." if self.ok else "Het bestand is afgekeurd. Er is niets opgeslagen."
            warn = "waarschuwing"
        else:
            head = (
                f"{self.file}: {self.n_rows} row{'' if self.n_rows == 1 else 's'}, "
                f"{ne} error{'' if ne == 1 else 's'}, {nw} warning{'' if nw == 1 else 's'}."
            )
            verdict = "The file is accepted." if self.ok else "The file is rejected. Nothing was stored."
            warn = "warning"
        lines = [head, verdict]
        items = [(e, "") for e in self.errors] + [(w, f"{warn}: ") for w in self.warnings]
        for rec, prefix in items[:max_lines]:
            where = rec.where(lang)
            msg = rec.message_nl if lang == "nl" else rec.message
            lines.append(f"- {prefix}{where + ': ' if where else ''}{msg}")
        if len(items) > max_lines:
            rest = len(items) - max_lines
            lines.append(f"- ... {'en nog' if lang == 'nl' else 'and'} {rest} {'meer' if lang == 'nl' else 'more'}")
        return "\n".join(lines)


def _asdict(rec: ErrorRecord) -> dict:
    return {k: getattr(rec, k) for k in RECORD_COLUMNS if k != "severity"}


def unreadable_report(file: str, reason_en: str, reason_nl: str) -> ValidationReport:
    """A report with the single error ``unreadable_file`` (used by :mod:`analysis.io`)."""
    return ValidationReport(
        file=file,
        errors=[
            ErrorRecord(
                file=file,
                row=None,
                column=None,
                value=None,
                rule="unreadable_file",
                message=f"The file cannot be read: {reason_en}",
                message_nl=f"Het bestand kan niet worden gelezen: {reason_nl}",
            )
        ],
    )


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
    if isinstance(s.dtype, pd.StringDtype):
        t = s.astype("string").str.strip()
    else:
        t = pd.Series(s.map(cell_text).array, index=s.index, dtype="object").astype("string")
    t = t.reset_index(drop=True)
    return t.mask(t == "", pd.NA)


# --------------------------------------------------------------------------- messages


def _q(v: str | None) -> str:
    if v is None:
        return "(leeg)"
    return "'" + (v if len(v) <= 60 else v[:57] + "...") + "'"


def _label_lookup() -> dict[str, dict[str, str]]:
    """column -> {lower-case Dutch/English label or code: code} for hints."""
    try:
        from .questionnaire import load_questionnaire

        q = load_questionnaire()
    except Exception:  # pragma: no cover - the built-in definition is tested elsewhere
        return {}
    out: dict[str, dict[str, str]] = {}
    for col in contract.CODES:
        try:
            item = q.item(col)
        except KeyError:
            continue
        m: dict[str, str] = {}
        for o in item.options:
            for key in (o.label.nl, o.label.en):
                m.setdefault(key.strip().lower(), str(o.code))
        out[col] = m
    return out


_LABELS: dict[str, dict[str, str]] | None = None


def suggest_code(column: str, value: str, codes: Sequence[str]) -> str | None:
    """The code a wrong value probably meant ('Ja' -> 'ja', 'Een beetje' -> 'een_beetje')."""
    global _LABELS
    low = value.strip().lower()
    norm = re.sub(r"[\s\-]+", "_", low)
    if norm in codes:
        return norm
    if _LABELS is None:
        _LABELS = _label_lookup()
    hit = _LABELS.get(column, {}).get(low)
    if hit in codes:
        return hit
    close = difflib.get_close_matches(norm, list(codes), n=1, cutoff=0.75)
    return close[0] if close else None


def _week_ok(value: str) -> bool:
    m = _WEEK_RE.fullmatch(value)
    if not m:
        return False
    year, week = int(m.group(1)), int(m.group(2))
    if year < 1:
        return False
    return 1 <= week <= _dt.date(year, 12, 28).isocalendar()[1]


# --------------------------------------------------------------------------- the checker


class _Collector:
    """Collects flagged cells as arrays and builds the first MAX_ERRORS records lazily."""

    def __init__(self, file: str, rows: np.ndarray):
        self.file = file
        self.rows = rows  # spreadsheet row number per position
        self.header: list[ErrorRecord] = []
        self.warnings: list[ErrorRecord] = []
        self.chunks: list[tuple[np.ndarray, int, str, str, Callable[[int], tuple[str | None, str, str]]]] = []
        self.total = 0

    def header_error(self, column: str | None, rule: str, en: str, nl: str, value: str | None = None):
        self.header.append(ErrorRecord(self.file, 1, column, value, rule, en, nl))
        self.total += 1

    def warn(self, row, column, rule, en, nl, value=None):
        self.warnings.append(ErrorRecord(self.file, row, column, value, rule, en, nl))

    def flag(
        self,
        positions: np.ndarray,
        colpos: int,
        column: str,
        rule: str,
        describe: Callable[[int], tuple[str | None, str, str]],
    ):
        """``describe(pos) -> (value, message_en, message_nl)`` is only called for listed records."""
        positions = np.asarray(positions, dtype=np.int64)
        if len(positions):
            self.chunks.append((positions, colpos, column, rule, describe))
            self.total += len(positions)

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
                value, en, nl = describe(p)
                out.append(ErrorRecord(self.file, int(self.rows[p]), column, value, rule, en, nl))
        if self.total > len(out):
            listed = len(out)
            out.append(
                ErrorRecord(
                    self.file,
                    None,
                    None,
                    None,
                    "too_many_errors",
                    f"{self.total} errors found; only the first {listed} are listed.",
                    f"{self.total} fouten gevonden; alleen de eerste {listed} staan in de lijst.",
                )
            )
        return out


def validate_frame(
    df: pd.DataFrame,
    *,
    file: str = "<data>",
    questionnaire=None,
    existing_ids: Iterable[str] = (),
    row_numbers: Sequence[int] | None = None,
) -> tuple[pd.DataFrame, ValidationReport]:
    """Check a response table against data contract v1.

    Parameters
    ----------
    df : DataFrame
        One row per response, columns named as in the contract.  Values may be
        text (as read from a file, the usual case) or numbers; everything is
        compared as stripped text.
    file : str
        Name used in every :class:`ErrorRecord`.
    questionnaire : analysis.questionnaire.Questionnaire, optional
        Extra columns this questionnaire defines (item ids beyond the contract)
        are kept and checked against the item (codes, range, text length);
        other unknown columns give an ``unknown_column`` warning and are dropped.
    existing_ids : iterable of str
        response_ids already stored; a match is a ``duplicate_id`` error.
    row_numbers : sequence of int, optional
        Spreadsheet row number of each row (default: position + 2, or
        ``df.attrs['source_rows']`` when :mod:`analysis.io` set it).

    Returns
    -------
    (frame, report)
        ``frame`` is the canonical response frame (:func:`analysis.frame.canonical_frame`,
        plus kept questionnaire columns) when ``report.ok``, with
        ``frame.attrs['source_rows']`` (a :class:`SourceRows`) giving each row's
        spreadsheet row number; otherwise an empty frame with the same columns
        (a file is accepted or rejected whole).
    """
    n = len(df)
    if row_numbers is None:
        src = df.attrs.get("source_rows") if hasattr(df, "attrs") else None
        row_numbers = src if src is not None and len(src) == n else None
    if df.attrs:
        # pandas deep-copies attrs on every operation; a long row list there is slow
        df = df.copy(deep=False)
        df.attrs = {}
    rows = np.arange(2, n + 2) if row_numbers is None else np.asarray(row_numbers, dtype=np.int64)
    if len(rows) != n:
        raise ValueError(f"row_numbers has {len(rows)} entries for {n} rows")
    col = _Collector(file, rows)

    # ---- header
    names = [str(c).strip().lstrip("\ufeff") for c in df.columns]
    first_pos: dict[str, int] = {}
    for j, name in enumerate(names):
        if name in first_pos:
            col.header_error(
                name,
                "duplicate_column",
                f"Column '{name}' appears more than once in the header.",
                f"De kolom '{name}' staat meer dan één keer in de kopregel.",
            )
        else:
            first_pos[name] = j

    extra_items = {}
    if questionnaire is not None:
        extra_items = {i.id: i for i in questionnaire.items if i.id not in contract.COLUMNS}
    lower_names = {nm.lower(): nm for nm in first_pos}
    for c in contract.REQUIRED_COLUMNS:
        if c not in first_pos:
            hint_en = hint_nl = ""
            near = lower_names.get(c) or next(
                iter(difflib.get_close_matches(c, list(first_pos), n=1, cutoff=0.8)), None
            )
            if near is not None:
                hint_en = f" Found '{near}'; column names are lower-case as in the contract."
                hint_nl = f" Er is wel een kolom '{near}'; kolomnamen zijn in kleine letters, zoals in het contract."
            col.header_error(
                c,
                "missing_column",
                f"Required column '{c}' is missing.{hint_en}",
                f"De verplichte kolom '{c}' ontbreekt.{hint_nl}",
            )

    texts: dict[str, pd.Series] = {}
    for name, j in first_pos.items():
        s = _text_series(df.iloc[:, j])
        if name in contract.COLUMNS or name in extra_items:
            texts[name] = s
        elif name == "" and not s.notna().any():
            continue  # trailing delimiter: an empty column without a name
        else:
            col.warn(
                1,
                name,
                "unknown_column",
                f"Column '{name}' is not in the contract and is ignored.",
                f"De kolom '{name}' staat niet in het contract en wordt genegeerd.",
            )
    if n == 0:
        col.warn(
            None,
            None,
            "no_rows",
            "The file holds no responses (only a header).",
            "Het bestand bevat geen antwoorden (alleen een kopregel).",
        )

    order = {c: i for i, c in enumerate(list(contract.COLUMNS) + list(extra_items))}

    def positions(mask: pd.Series) -> np.ndarray:
        return np.flatnonzero(mask.fillna(False).to_numpy(dtype=bool))

    def val(s):
        return lambda p: s.iloc[p] if s.iloc[p] is not pd.NA else None

    # ---- required values
    for c in contract.ID_COLUMNS:
        if c in texts:
            s = texts[c]
            col.flag(
                positions(s.isna()),
                order[c],
                c,
                "required_value",
                lambda p, c=c: (None, f"'{c}' may not be empty.", f"'{c}' mag niet leeg zijn."),
            )

    # ---- response_id
    ids_norm = None
    if "response_id" in texts:
        s = texts["response_id"]
        good = s.str.fullmatch(_UUID4_RE).fillna(False)
        bad = s.notna() & ~good
        vi = val(s)
        col.flag(
            positions(bad),
            order["response_id"],
            "response_id",
            "bad_uuid",
            lambda p: (
                vi(p),
                f"{_q(vi(p))} is not a UUID version 4 (like 3f2b8c1e-9d4a-4e6b-8a2f-0c5d7e9b1a34).",
                f"{_q(vi(p))} is geen UUID versie 4 (zoals 3f2b8c1e-9d4a-4e6b-8a2f-0c5d7e9b1a34).",
            ),
        )
        ids_norm = s.str.lower()
        dup = ids_norm.notna() & ids_norm.duplicated(keep="first")
        if dup.any():
            firsts = ids_norm.dropna().drop_duplicates(keep="first")
            first_row = dict(zip(firsts.tolist(), rows[firsts.index.to_numpy()].tolist()))
            col.flag(
                positions(dup),
                order["response_id"],
                "response_id",
                "duplicate_id",
                lambda p: (
                    vi(p),
                    f"response_id {_q(vi(p))} already appears in row {first_row[ids_norm.iloc[p]]}.",
                    f"response_id {_q(vi(p))} staat al in rij {first_row[ids_norm.iloc[p]]}.",
                ),
            )
        existing = {str(x).strip().lower() for x in existing_ids if x is not None}
        if existing:
            known = ids_norm.isin(existing).fillna(False) & ~dup
            col.flag(
                positions(known),
                order["response_id"],
                "response_id",
                "duplicate_id",
                lambda p: (
                    vi(p),
                    f"response_id {_q(vi(p))} is already in the database.",
                    f"response_id {_q(vi(p))} staat al in de database.",
                ),
            )

    # ---- submitted_week
    if "submitted_week" in texts:
        s = texts["submitted_week"]
        uniq = {u: _week_ok(u) for u in s.dropna().unique()}
        bad = s.map(lambda x: not uniq[x], na_action="ignore")
        vw = val(s)
        col.flag(
            positions(bad.astype("boolean")),
            order["submitted_week"],
            "submitted_week",
            "bad_week",
            lambda p: (
                vw(p),
                f"{_q(vw(p))} is not a valid ISO week; use YYYY-Www, for example 2025-W07.",
                f"{_q(vw(p))} is geen geldige ISO-week; schrijf JJJJ-Www, bijvoorbeeld 2025-W07.",
            ),
        )

    # ---- gi
    if "gi" in texts:
        s = texts["gi"]
        bad = s.notna() & ~s.str.fullmatch(contract.GI_PATTERN).fillna(False)
        vg = val(s)
        col.flag(
            positions(bad),
            order["gi"],
            "gi",
            "bad_gi",
            lambda p: (
                vg(p),
                f"{_q(vg(p))} is not a valid institution code: use {contract.GI_RULE_TEXT[1]}.",
                f"{_q(vg(p))} is geen geldige code van de instelling: gebruik {contract.GI_RULE_TEXT[0]}.",
            ),
        )

    # ---- codes
    def check_codes(c: str, codes: Sequence[str]):
        s = texts[c]
        bad = s.notna() & ~s.isin(list(codes)).fillna(False)
        v = val(s)
        allowed = ", ".join(codes)

        def describe(p):
            x = v(p)
            hint = suggest_code(c, x, codes)
            en = f"{_q(x)} is not a code of {c}."
            nl = f"{_q(x)} is geen code van {c}."
            if hint:
                en += f" Did you mean '{hint}'?"
                nl += f" Bedoelt u '{hint}'?"
            return x, f"{en} Allowed: {allowed}.", f"{nl} Toegestaan: {allowed}."

        col.flag(positions(bad), order[c], c, "unknown_code", describe)

    for c, codes in contract.CODES.items():
        if c in texts:
            check_codes(c, codes)

    # ---- integers
    ints: dict[str, pd.Series] = {}

    def check_int(c: str, lo: int, hi: int, allowed: Sequence[int] | None = None):
        s = texts[c]
        is_int = s.str.fullmatch(_INT_RE).fillna(False)
        v = val(s)
        col.flag(
            positions(s.notna() & ~is_int),
            order[c],
            c,
            "not_integer",
            lambda p: (v(p), f"{_q(v(p))} in {c} is not a whole number.", f"{_q(v(p))} in {c} is geen heel getal."),
        )
        num = pd.to_numeric(s.where(is_int, pd.NA), errors="coerce").astype("Float64")
        num_int = num.round().astype("Int64")
        if allowed is None:
            out = is_int & ((num < lo) | (num > hi)).fillna(False)
            rng_en, rng_nl = f"{lo}..{hi}", f"{lo} tot en met {hi}"
        else:
            out = is_int & ~num_int.isin(list(allowed)).fillna(False)
            rng_en = rng_nl = ", ".join(str(a) for a in allowed)
        col.flag(
            positions(out),
            order[c],
            c,
            "out_of_range",
            lambda p: (
                v(p),
                f"{c} = {v(p)} is outside the allowed values {rng_en}.",
                f"{c} = {v(p)} valt buiten de toegestane waarden {rng_nl}.",
            ),
        )
        ints[c] = num_int

    for c, (lo, hi) in contract.INT_RANGES.items():
        if c in texts:
            check_int(c, lo, hi)

    # ---- free text
    def check_len(c: str, limit: int):
        s = texts[c]
        lengths = s.str.len()
        col.flag(
            positions(lengths > limit),
            order[c],
            c,
            "text_too_long",
            lambda p: (
                None,
                f"The text in {c} has {int(lengths.iloc[p])} characters; at most {limit} are allowed.",
                f"De tekst in {c} heeft {int(lengths.iloc[p])} tekens; er mogen er hoogstens {limit} zijn.",
            ),
        )

    for c in contract.COMMENT_COLUMNS:
        if c in texts:
            check_len(c, MAX_TEXT_LENGTH)

    # ---- extra questionnaire items
    for c, item in extra_items.items():
        if c not in texts:
            continue
        if item.type == "choice":
            check_codes(c, [str(code) for code in item.codes])
        elif item.type == "count":
            codes = [int(x) for x in item.codes]
            check_int(c, min(codes), max(codes), allowed=codes)
        elif item.type == "grade":
            check_int(c, int(item.min), int(item.max))
        else:
            check_len(c, int(item.max_length or MAX_TEXT_LENGTH))

    errors = col.records()
    report = ValidationReport(file=file, errors=errors, warnings=col.warnings, n_rows=n, n_errors=col.total)
    if not report.ok:
        out = empty_frame()
        for c, item in extra_items.items():
            if c in texts:
                out[c] = pd.Series(dtype="Int64" if item.type in ("count", "grade") else "string")
        return out, report

    clean = pd.DataFrame({c: s for c, s in texts.items() if c in contract.COLUMNS})
    if ids_norm is not None:
        clean["response_id"] = ids_norm
    out = canonical_frame(clean)
    for c in extra_items:
        if c in texts:
            out[c] = ints[c] if c in ints else texts[c]
    out.attrs["source_rows"] = SourceRows(int(r) for r in rows)
    return out, report
