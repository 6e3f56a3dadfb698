"""Microdata for researchers: one row per respondent, k-anonymous on the identifying columns.

:func:`k_anonymous_microdata` turns the responses into a file a researcher
may take away, and records what was done (:class:`MicrodataRecord`).

* **Left out**: the free text (``comment_grade``, ``comment_improve``) and
  ``response_id`` (it ties a row to the database); ``submitted_week``
  becomes ``period``.
* **Quasi-identifiers** (:data:`QUASI_IDENTIFIERS`): round x institution x
  respondent type x measure type x period.  Every combination of them that
  occurs holds at least ``k`` rows (k-anonymity, Sweeney 2002, "k-anonymity:
  a model for protecting privacy", IJUFKS 10(5)); ``k`` is the minimum cell
  size (never below :data:`analysis.contract.MIN_CELL_FLOOR`).  A missing
  value is a value of its own.
* **Generalisation before suppression** (the order of Samarati 2001 and of
  the Datafly and ARX tools; Hundepool et al. 2012, *Statistical Disclosure
  Control*, Wiley, ch. 3):

  1. the ISO week becomes its month (``2024-09``), its quarter
     (``2024-Q3``) or the whole round (``period`` = the round id): the
     finest of these at which steps 2 and 3 change few rows (at most
     ``max_recoded``, 20 %, get ``overig`` and at most ``max_suppressed``,
     2 %, are left out);
  2. rows in a combination under ``k``: their measure type becomes
     ``overig`` (local recoding); then, for rows still under ``k``, their
     institution becomes ``overig`` (the small groups of several
     institutions pooled);
  3. rows still under ``k`` are left out (suppression).

On the demo data (1,523 rows, k = 10): quarters; 233 rows get measure type
``overig``, 75 institution ``overig`` and 12 rows are left out.

* **The protected table first** (``protected=``, issue 9 (b)): the file is
  a publication next to the dashboards, so its group counts must not give
  away what the one protected table hides.  A row keeps its institution
  only when the table shows (round, institution, respondent type), and its
  measure type only when it also shows (round, institution, respondent type,
  measure type); otherwise the value becomes ``overig`` (an institution
  ``overig`` takes the measure type with it).  Every count of the file at
  round level is then a shown cell of the table or a difference of shown
  cells (a line total minus its shown parts), never a cell the table hides.
* **Audited with the table** (also with ``protected=``): the file's classes
  (per period and summed over it), the rows left out and the rows recoded
  are counts a reader knows; :func:`table_leaks` checks with exact linear
  algebra that together with the table's shown cells they give no cell of 1
  to ``k - 1`` respondents; if one follows, the period is coarsened or the
  cell's rows are pooled into ``overig`` and the check repeats (no row is
  released when nothing helps).

* **The group questions** (:data:`GROUP_COLUMNS`: number of workers, a
  period without one; facts of a family's case history others may know):
  the audit also counts the file's rows by them and checks the table's
  group cells; when a small one follows (an outsider counted JBN's one
  respondent with no worker: the table hid the group, the file held the
  row), the column is left empty in every row (:func:`_blank_groups`).

Only these columns are protected: the answers themselves are not treated as
identifying (a researcher who knows someone's answers already knows them).
The export takes the whole scope of the reader, never a filtered part of it:
two exports of overlapping selections could be subtracted.

Pure: no streamlit, no I/O.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import contract, i18n, wording
from .cube import ALL, EMPTY
from .protection import DIMS

QUASI_IDENTIFIERS = ("round_id", "gi", "respondent_type", "measure_type", "period")
PERIOD_LEVELS = ("month", "quarter", "round")
#: the value of a recoded institution or measure type
OTHER = "overig"
#: recoded, in this order, for rows still in a combination under k
RECODE_ORDER = ("measure_type", "gi")
DROPPED_COLUMNS = ("response_id", "submitted_week", *contract.COMMENT_COLUMNS)
#: the questions the table's figures group respondents by (its group cells): facts of a family's case
#: history others may know; kept in the file only when, with the table, they give no group it hides
GROUP_COLUMNS = ("n_workers", "had_gap")
#: Catalog key prefix of the names of the period levels (``privacy.microdata.period.<level>``)
PERIOD_KEY = "privacy.microdata.period."
#: value of a missing quasi-identifier when classes are counted
_MISSING = "\x00missing"


@dataclass(frozen=True)
class MicrodataRecord:
    """What :func:`k_anonymous_microdata` did.

    ``period_level``: ``month``, ``quarter`` or ``round``; ``recoded``:
    column -> rows whose value became ``overig``; ``suppressed``: rows left
    out; ``smallest_class``: the size of the smallest combination in the
    result (>= ``k``, or 0 when no row is left); ``audited``: the file was
    checked together with the protected table (:func:`table_leaks`);
    ``blanked``: columns of :data:`GROUP_COLUMNS` left empty in every row
    (with the table they gave a group it hides).
    """

    k: int
    n_in: int
    n_out: int
    period_level: str
    recoded: dict[str, int] = field(default_factory=dict)
    suppressed: int = 0
    smallest_class: int = 0
    quasi_identifiers: tuple[str, ...] = QUASI_IDENTIFIERS
    dropped_columns: tuple[str, ...] = DROPPED_COLUMNS
    audited: bool = False
    blanked: tuple[str, ...] = ()

    def _count(self, n: int, lang: str) -> str:
        """An exact count when it is 0 or at least k; else "fewer than k" (a hidden group's size stays hidden)."""
        if n == 0 or n >= self.k:
            return wording.fmt_number(n, 0, lang)
        return i18n.text("privacy.microdata.fewer_than", lang, k=self.k)

    def note(self, lang: str = "nl") -> list[str]:
        """What was done, one sentence a line, in ``lang`` (for the page and the file)."""
        lines = [
            i18n.text("privacy.microdata.note_k", lang, k=self.k),
            i18n.text("privacy.microdata.note_dropped", lang),
            i18n.text("privacy.microdata.note_period", lang, level=i18n.text(PERIOD_KEY + self.period_level, lang)),
        ]
        for column in RECODE_ORDER:
            n = self.recoded.get(column, 0)
            if n:
                lines.append(
                    i18n.text(
                        "privacy.microdata.note_recoded",
                        lang,
                        n=self._count(n, lang),
                        column=_in_sentence(wording.variable_label(column, lang)),
                        other=OTHER,
                    )
                )
        for column in self.blanked:
            lines.append(
                i18n.text(
                    "privacy.microdata.note_blanked", lang, column=_in_sentence(wording.variable_label(column, lang))
                )
            )
        lines.append(i18n.text("privacy.microdata.note_suppressed", lang, n=self._count(self.suppressed, lang)))
        lines.append(i18n.text("privacy.microdata.note_rows", lang, n=self._count(self.n_out, lang)))
        if self.audited:
            lines.append(i18n.text("modelsafe.microdata.note_audit", lang, k=self.k))
        return lines


def _in_sentence(label: str) -> str:
    """A column label inside a sentence: "Soort maatregel" -> "soort maatregel" (an abbreviation such as "GI" stays)."""
    return label[:1].lower() + label[1:] if label[1:2].islower() else label


def week_period(weeks: pd.Series, level: str, rounds: pd.Series | None = None) -> pd.Series:
    """ISO weeks (``2024-W38``) as month (``2024-09``), quarter (``2024-Q3``) or the round id.

    A week belongs to the month and quarter of its Thursday (ISO 8601: the
    week belongs to the year that holds its Thursday).

    >>> import pandas as pd
    >>> week_period(pd.Series(["2024-W38", "2024-W40", None]), "month").tolist()
    ['2024-09', '2024-10', <NA>]
    >>> week_period(pd.Series(["2024-W38", "2024-W40"]), "quarter").tolist()
    ['2024-Q3', '2024-Q4']
    """
    if level == "round":
        if rounds is None:
            raise ValueError("level 'round' needs the round ids")
        return rounds.astype("string")
    if level not in ("month", "quarter"):
        raise ValueError(f"unknown period level {level!r}")

    def one(w):
        if not isinstance(w, str) or "-W" not in w:
            return pd.NA
        y, n = w.split("-W")
        thursday = _dt.date.fromisocalendar(int(y), int(n), 4)
        if level == "month":
            return f"{thursday.year}-{thursday.month:02d}"
        return f"{thursday.year}-Q{(thursday.month - 1) // 3 + 1}"

    return weeks.astype(object).map(one).astype("string")


def class_sizes(frame: pd.DataFrame, columns=QUASI_IDENTIFIERS) -> pd.Series:
    """For each row, how many rows share its values of ``columns`` (missing counts as a value)."""
    if frame.empty:
        return pd.Series(dtype="int64", index=frame.index)
    keys = frame[list(columns)].astype("string").fillna(_MISSING)
    return keys.groupby(list(columns), dropna=False)[columns[0]].transform("size").astype("int64")


def k_of(frame: pd.DataFrame, columns=QUASI_IDENTIFIERS) -> int:
    """The k of ``frame``: the size of its smallest combination of ``columns`` (0 for no rows)."""
    return int(class_sizes(frame, columns).min()) if len(frame) else 0


def table_recode(base: pd.DataFrame, protected) -> tuple[pd.DataFrame, dict[str, int]]:
    """Institution and measure type become ``overig`` where the protected table does not show the cell.

    ``protected`` is :class:`analysis.protection.ProtectedData` of the same
    responses.  Returns the recoded frame and the rows recoded per column.
    """
    base = base.copy()
    keys = list(DIMS[:3])  # round, institution, respondent type; then the measure type

    def shown(filters: dict) -> bool:
        return bool(protected.view(filters).respondents.shown)

    def clean(row) -> dict:
        return {c: (None if pd.isna(v) else str(v)) for c, v in zip(keys, row, strict=True)}

    complete = base[keys].notna().all(axis=1)
    gi_ok = pd.Series(False, index=base.index)
    for row, idx in base[complete].groupby(keys, sort=False).groups.items():
        gi_ok[idx] = shown(clean(row))
    mt_ok = pd.Series(False, index=base.index)
    with_mt = gi_ok & base["measure_type"].notna()
    for row, idx in base[with_mt].groupby([*keys, "measure_type"], sort=False).groups.items():
        mt_ok[idx] = shown({**clean(row[:3]), DIMS[3]: str(row[3])})
    recoded = {"measure_type": int((~mt_ok).sum()), "gi": int((~gi_ok).sum())}
    base.loc[~mt_ok, "measure_type"] = OTHER
    base.loc[~gi_ok, "gi"] = OTHER
    return base, {c: n for c, n in recoded.items() if n}


def _protect(base: pd.DataFrame, k: int) -> tuple[pd.DataFrame, dict[str, int], pd.Series, pd.Series]:
    """Local recoding (:data:`RECODE_ORDER`) of the rows in combinations under ``k``, then the rows still under ``k``.

    Returns the recoded frame, rows recoded per column, rows changed by any recode, rows still under ``k``.
    """
    base = base.copy()
    recoded: dict[str, int] = {}
    changed = pd.Series(False, index=base.index)
    for column in RECODE_ORDER:
        small = class_sizes(base) < k
        if not small.any():
            break
        recoded[column] = int((small & (base[column].fillna("") != OTHER)).sum())
        changed |= small
        base.loc[small, column] = OTHER
    return base, recoded, changed, class_sizes(base) < k


#: how often the rows of derived cells are pooled into ``overig`` before nothing is released
MAX_POOL_ROUNDS = 6


def _table_rows(protected, df: pd.DataFrame) -> np.ndarray:
    """Position of each row of ``df`` in ``protected.df`` (by ``response_id``; -1: not in the table)."""
    if "response_id" in df.columns and "response_id" in protected.df.columns:
        pos = pd.Series(np.arange(len(protected.df)), index=protected.df["response_id"].astype("string").to_numpy())
        pos = pos[~pos.index.duplicated()]
        return pos.reindex(df["response_id"].astype("string").to_numpy()).fillna(-1).to_numpy(dtype=np.int64)
    if len(df) == len(protected.df):  # the same frame without ids: row by row
        return np.arange(len(df), dtype=np.int64)
    raise ValueError("the microdata rows cannot be matched to the protected table (no response_id)")


def table_leaks(
    protected, where: np.ndarray, result: pd.DataFrame, left_out: pd.Series, *, groups: bool = False
) -> list[tuple]:
    """Small cells of the table that the file and its note, with the table's shown cells, give away.

    ``result``: every input row after recoding (index = position in the
    input frame, columns :data:`QUASI_IDENTIFIERS`); ``left_out``: the rows
    not released; ``where``: each input row's position in ``protected.df``
    (:func:`_table_rows`).  Known to a reader: every class of the file
    (round x institution x respondent type x measure type x period), so each
    class summed over the period too; the rows left out (the table's total
    minus the file's rows); and the rows whose institution or measure type
    became ``overig`` (the note counts them).  Returns the keys of the cells
    of 1 to ``min_cell - 1`` respondents whose size follows
    (:meth:`analysis.protection.ProtectedData.derived_small_cells`).

    ``groups`` True: also each class split by the answers of
    :data:`GROUP_COLUMNS` (a reader counts the file's rows by them), and the
    small group cells of the table (keys with the group labels).
    """
    n = len(protected.df)
    labels = pd.DataFrame({c: pd.Series(pd.NA, index=range(n), dtype=object) for c in ("class", *RECODE_ORDER)})
    pos = where[result.index.to_numpy()]
    ok = pos >= 0
    kept = ok & ~left_out.to_numpy(dtype=bool)
    if kept.any():
        keys = result[list(QUASI_IDENTIFIERS)].astype("string").fillna(_MISSING).agg("|".join, axis=1).to_numpy()
        labels.iloc[pos[kept], 0] = keys[kept]
    for j, column in enumerate(RECODE_ORDER, start=1):
        other = ok & result[column].fillna("").eq(OTHER).to_numpy()
        labels.iloc[pos[other], j] = OTHER
    if groups:
        answers = pd.Series(pd.NA, index=range(n), dtype=object)
        if kept.any():
            cols = [*QUASI_IDENTIFIERS, *GROUP_COLUMNS]
            keys = result[cols].astype("string").fillna(_MISSING).agg("|".join, axis=1).to_numpy()
            answers.iloc[pos[kept]] = keys[kept]
        labels["answers"] = answers
    return protected.derived_small_cells(labels, groups=groups)


def _without(result: pd.DataFrame, columns) -> pd.DataFrame:
    """``result`` with ``columns`` empty in every row."""
    result = result.copy()
    for c in columns:
        result[c] = pd.Series(pd.NA, index=result.index, dtype=result[c].dtype)
    return result


def _audit(protected, where, result: pd.DataFrame, left_out: pd.Series) -> list[tuple]:
    """:func:`table_leaks` of the file without the group questions, with the table's group cells as targets."""
    return table_leaks(protected, where, _without(result, GROUP_COLUMNS), left_out, groups=True)


def _blank_groups(protected, where, result: pd.DataFrame, left_out: pd.Series):
    """Leave the columns of :data:`GROUP_COLUMNS` empty until the file and the table give no small group.

    First the columns the derived cells group by, then both.  Returns the
    frame, the columns blanked and the cells that still follow (empty when
    the release is safe).
    """
    leaks = table_leaks(protected, where, result, left_out, groups=True)
    blanked: list[str] = []
    n_filters = len(DIMS)  # the cells' keys: the table's filters, then the groups
    while leaks and len(blanked) < len(GROUP_COLUMNS):
        named = {c for cell in leaks for c, lab in zip(GROUP_COLUMNS, cell[n_filters:]) if lab != ALL}
        step = [c for c in GROUP_COLUMNS if c in named and c not in blanked] or [
            c for c in GROUP_COLUMNS if c not in blanked
        ]
        result = _without(result, step)
        blanked += step
        leaks = table_leaks(protected, where, result, left_out, groups=True)
    return result, tuple(c for c in GROUP_COLUMNS if c in blanked), leaks


def _pool(base: pd.DataFrame, original: pd.DataFrame, cells: list[tuple]) -> tuple[pd.DataFrame, dict[str, int]]:
    """Pool the rows of each derived cell into ``overig`` (measure type, then institution).

    A cell whose rows are all pooled already (they were left out of a class
    under k, and the table's total minus the file gives them) takes the
    smallest institution of the same round and respondent type with it, so
    that their class reaches k (as the table protects a small institution
    with a second one).
    """
    base = base.copy()
    pooled = {"measure_type": 0, "gi": 0}
    dims = DIMS
    for cell in cells:
        cell = cell[: len(dims)]  # a group cell: its selection
        mask = pd.Series(True, index=base.index)
        for column, value in zip(dims, cell, strict=True):
            if value != ALL:
                mask &= original[column].astype("string").fillna(EMPTY).eq(value).to_numpy()
        mt = mask & base["measure_type"].fillna("").ne(OTHER)
        gi = mask & ~mt & base["gi"].fillna("").ne(OTHER)
        if not (mt.any() or gi.any()):
            near = pd.Series(True, index=base.index)
            for column, value in zip(dims, cell, strict=True):
                if value != ALL and column in ("round_id", "respondent_type"):
                    near &= original[column].astype("string").fillna(EMPTY).eq(value).to_numpy()
            near &= base["gi"].fillna("").ne(OTHER)
            if near.any():
                sizes = base.loc[near, "gi"].fillna(EMPTY).value_counts()
                smallest = sorted(sizes.items(), key=lambda t: (t[1], str(t[0])))[0][0]
                gi = near & base["gi"].fillna(EMPTY).eq(smallest)
        base.loc[mt, "measure_type"] = OTHER
        base.loc[gi, ["gi", "measure_type"]] = OTHER
        pooled["measure_type"] += int(mt.sum())
        pooled["gi"] += int(gi.sum())
    return base, {c: n for c, n in pooled.items() if n}


def k_anonymous_microdata(
    df: pd.DataFrame,
    *,
    k: int = contract.DEFAULT_MIN_CELL,
    max_suppressed: float = 0.02,
    max_recoded: float = 0.2,
    protected=None,
) -> tuple[pd.DataFrame, MicrodataRecord]:
    """The responses without free text, k-anonymous on :data:`QUASI_IDENTIFIERS`, and what was done.

    The period is the finest of month, quarter, round at which at most
    ``max_suppressed`` of the rows are left out and at most ``max_recoded``
    get ``overig`` (the round is taken when neither month nor quarter
    qualifies).  Columns: the contract columns without
    :data:`DROPPED_COLUMNS`, with ``period`` after ``measure_type``.

    ``protected`` (:class:`analysis.protection.ProtectedData` of these
    responses, matched by ``response_id``): first :func:`table_recode`, so no
    count of the file is a cell the table hides; the dashboards always pass
    it.  Then the release is audited together with the table
    (:func:`table_leaks`, issue 9 (b)): the k-anonymity step's own recoding
    and the rows it leaves out split shown cells by period, and those counts
    with the table's shown cells could give a small cell.  When one follows,
    the period is coarsened (month, quarter, round); at round level the rows
    of the derived cell are pooled into ``overig`` (measure type, then
    institution) and the audit repeats, at most :data:`MAX_POOL_ROUNDS`
    times; if a small cell still follows, no row is released.  The recodes
    are counted in the record with those of the k-anonymity step.
    """
    k = contract.check_min_cell(k)
    n_in = len(df)
    base = df.drop(columns=[c for c in DROPPED_COLUMNS if c in df.columns]).copy()
    for c in ("round_id", "gi", "respondent_type", "measure_type"):
        base[c] = base[c].astype("string")
    by_table: dict[str, int] = {}
    where = None
    if protected is not None and n_in:
        base, by_table = table_recode(base, protected)
        where = _table_rows(protected, df)
    for level in PERIOD_LEVELS:
        base["period"] = week_period(df["submitted_week"], level, df["round_id"])
        result, recoded, changed, small = _protect(base, k)
        fits = n_in == 0 or (small.mean() <= max_suppressed and changed.mean() <= max_recoded)
        if not fits and level != PERIOD_LEVELS[-1]:
            continue
        if where is None or not _audit(protected, where, result, small):
            break
        if level != PERIOD_LEVELS[-1]:
            continue  # a small cell follows: coarsen the period
        leaks = True
        for _ in range(MAX_POOL_ROUNDS):  # the round as period: pool the derived cells into overig
            cells = _audit(protected, where, result, small)
            if not cells:
                leaks = False
                break
            base, pooled = _pool(base, df, cells)
            if not pooled:
                break
            for c, n in pooled.items():
                by_table[c] = by_table.get(c, 0) + n
            result, recoded, changed, small = _protect(base, k)
        if leaks:  # nothing left to pool: release no row
            small = pd.Series(True, index=result.index)
    blanked: tuple[str, ...] = ()
    if where is not None and not bool(small.all()):
        # the group questions back where they give nothing away: a reader counts the file's rows by
        # number of workers and a period without one (without them the audit above holds)
        result, blanked, leaks = _blank_groups(protected, where, result, small)
        if leaks:  # pragma: no cover - both blanked is the file the audit above passed
            small = pd.Series(True, index=result.index)
    recoded = {c: by_table.get(c, 0) + recoded.get(c, 0) for c in RECODE_ORDER if by_table.get(c) or recoded.get(c)}
    out = result.loc[~small].reset_index(drop=True)
    order = [c for c in contract.COLUMNS if c in out.columns]
    order.insert(order.index("measure_type") + 1, "period")
    out = out[order]
    record = MicrodataRecord(
        k=k,
        n_in=n_in,
        n_out=len(out),
        period_level=level,
        recoded=recoded,
        suppressed=int(small.sum()),
        smallest_class=k_of(out),
        audited=where is not None,
        blanked=blanked,
    )
    return out, record
