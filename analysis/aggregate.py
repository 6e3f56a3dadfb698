"""A round's responses as counts: the aggregate that figures are read from instead of rows.

Issue 10 item 2.  Every figure of the inspection report, every key number and
every family of the protected table that the figures use (:mod:`analysis.protection`:
``respondents``, ``grade``, ``item:*``) is a function of the respondents
counted per selection (round, institution, respondent type, measure type)
and per combination of the answers to at most two questions.  The
*aggregate* holds exactly those counts, for a fixed list of question pairs
(:data:`PAIRS`):

=================  ==========  =================================================
``column``         ``column_2``  read by
=================  ==========  =================================================
``n_workers``      ``had_gap``   the respondents family, counts of selections,
                                 the worker and gap figures, key numbers
``grade``          ``n_workers`` the grade family, grade by number of workers,
                                 the mean grade
each item          ``had_gap``   the item families, every distribution, the
                                 quality items and say in the plan by gap
=================  ==========  =================================================

One row per combination present: the four filter columns, ``column``,
``code``, ``column_2``, ``code_2`` and ``n`` (:data:`COLUMNS`).  Codes are the
labels of :func:`analysis.stats.category_labels` (``n_workers`` 0..6 become
``"0"`` .. ``"meer_dan_5"``, the grade its decimal text); an empty answer is
:data:`MISSING` (``""``), never null, so that every row has a full key (the
storage layer keeps the aggregate in a table with this key and adds a
submission's counts to it in the submission's transaction).

Adding two aggregates (of two sets of responses) gives the aggregate of the
union: :func:`add` sums ``n`` per key.  :func:`select` reads counts of some
columns from it, for the respondents who answered some questions and of one
selection, as :class:`analysis.stats.Counts`; a request no pair answers (a
cross table of two questions) raises :class:`NeedsRows`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from . import contract, stats

#: The filter columns, in the order of the cube keys (:data:`analysis.protection.DIMS`).
DIMS = ("round_id", "gi", "respondent_type", "measure_type")
#: Coded items with a distribution (and a family) of their own.
ITEMS = (
    "contact_one_on_one",
    "explained_at_start",
    "opinion_asked",
    "involved_in_decisions",
    "asked_life_domains",
    "asked_safety",
    "say_in_plan",
    "help_improves",
    *contract.QUALITY_ITEMS,
)
#: The question pairs counted (``column``, ``column_2``).
PAIRS: tuple[tuple[str, str], ...] = (
    ("n_workers", "had_gap"),
    ("grade", "n_workers"),
    *((item, "had_gap") for item in ITEMS),
)
#: Columns of an aggregate, in order (the key, then ``n``).
COLUMNS = (*DIMS, "column", "code", "column_2", "code_2", "n")
KEY = COLUMNS[:-1]
#: The code of an empty answer (or an empty filter value) in an aggregate.
MISSING = ""


class NeedsRows(LookupError):
    """The aggregate does not hold these counts (e.g. a cross table of two questions): read rows."""


def empty() -> pd.DataFrame:
    """An aggregate of no responses."""
    return pd.DataFrame({c: pd.Series([], dtype=np.int64 if c == "n" else object) for c in COLUMNS})


def _codes(df: pd.DataFrame, column: str) -> tuple[np.ndarray, np.ndarray]:
    """(index of each row's label, the labels with :data:`MISSING` for an empty answer)."""
    labels = stats.category_labels(df, column)
    codes, uniq = pd.factorize(labels, use_na_sentinel=True)
    names = np.array([str(u) for u in uniq] + [MISSING], dtype=object)
    return np.where(codes < 0, len(uniq), codes).astype(np.int64), names


def count_table(df: pd.DataFrame) -> pd.DataFrame:
    """The aggregate of a canonical response frame (columns :data:`COLUMNS`, sorted by the key).

    Every response counts once in every pair of :data:`PAIRS`: the sum of ``n``
    over the rows of one pair is the number of responses.
    """
    if not len(df):
        return empty()
    encoded = {c: _codes(df, c) for c in dict.fromkeys([*DIMS, *(c for p in PAIRS for c in p)])}
    base = np.zeros(len(df), dtype=np.int64)
    stride = 1
    for d in DIMS:
        codes, names = encoded[d]
        base += codes * stride
        stride *= len(names)
    parts = []
    for a, b in PAIRS:
        (ca, na), (cb, nb) = encoded[a], encoded[b]
        key = base + stride * (ca + len(na) * cb)
        vals, n = np.unique(key, return_counts=True)
        out: dict[str, object] = {}
        rest = vals
        for d in DIMS:
            names = encoded[d][1]
            out[d] = names[rest % len(names)]
            rest = rest // len(names)
        out["column"] = a
        out["code"] = na[rest % len(na)]
        out["column_2"] = b
        out["code_2"] = nb[rest // len(na)]
        out["n"] = n.astype(np.int64)
        parts.append(pd.DataFrame(out))
    return _sorted(pd.concat(parts, ignore_index=True))


def _label(column: str, value) -> str:
    """The label of one stored answer (as :func:`analysis.stats.category_labels` gives it; :data:`MISSING` empty)."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return MISSING
    if column == "n_workers":
        return contract.WORKER_GROUPS[int(value)]
    return str(value)


def one_response(values: Mapping[str, object]) -> list[dict]:
    """The aggregate of one response (a stored row: filter columns and answers, None = empty) as records
    sorted by the key: the rows of :func:`count_table` of a frame of that one row, without a frame
    (a submission adds them in its transaction; tens of microseconds)."""
    dims = {d: _label(d, values.get(d)) for d in DIMS}
    rows = [
        {
            **dims,
            "column": a,
            "code": _label(a, values.get(a)),
            "column_2": b,
            "code_2": _label(b, values.get(b)),
            "n": 1,
        }
        for a, b in PAIRS
    ]
    return sorted(rows, key=lambda r: tuple(r[k] for k in KEY))


def _sorted(agg: pd.DataFrame) -> pd.DataFrame:
    agg = agg[list(COLUMNS)].copy()
    for c in KEY:
        agg[c] = agg[c].astype(object)
    agg["n"] = agg["n"].astype(np.int64)
    return agg.sort_values(list(KEY), kind="stable").reset_index(drop=True)


def add(*aggregates: pd.DataFrame, sign: Sequence[int] | None = None) -> pd.DataFrame:
    """The aggregate of the union of the responses of ``aggregates`` (``sign`` -1: take away)."""
    parts = []
    for i, agg in enumerate(aggregates):
        part = agg[list(COLUMNS)].copy()
        if sign is not None:
            part["n"] = part["n"] * int(sign[i])
        parts.append(part)
    if not parts:
        return empty()
    total = pd.concat(parts, ignore_index=True).groupby(list(KEY), sort=True, as_index=False)["n"].sum()
    return _sorted(total[total["n"] != 0])


def equal(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    """Whether two aggregates count the same responses the same way (order and dtypes aside)."""
    if len(a) != len(b):
        return False
    a, b = _sorted(a), _sorted(b)
    return all(np.array_equal(a[c].to_numpy(), b[c].to_numpy()) for c in COLUMNS)


def check(agg: pd.DataFrame) -> list[str]:
    """What is wrong with an aggregate (empty list: nothing): columns, pairs, negative counts, and whether
    every pair counts the same responses per selection (each response counts once in every pair)."""
    missing = [c for c in COLUMNS if c not in agg.columns]
    if missing:
        return [f"missing columns {missing}"]
    problems = []
    if (agg["n"] <= 0).any():
        problems.append("counts of zero or less")
    pairs = set(zip(agg["column"], agg["column_2"]))
    unknown = pairs - set(PAIRS)
    if unknown:
        problems.append(f"unknown pairs {sorted(unknown)}")
    if len(agg):
        per = agg.groupby([*DIMS, "column"], sort=False)["n"].sum().unstack("column").fillna(0)
        if per.shape[1] != len(PAIRS) or not (per.to_numpy() == per.to_numpy()[:, :1]).all():
            problems.append("the pairs count different responses")
    return problems


def _pair_for(columns: Sequence[str], answered: Sequence[str]) -> tuple[str, str] | None:
    want = {c for c in (*columns, *answered) if c not in DIMS}
    for a, b in PAIRS:
        if want <= {a, b}:
            return a, b
    return None


class Indexed:
    """An aggregate prepared for many :meth:`select` calls: every key column as small integer codes and
    the rows of each pair, so that a selection is a few integer comparisons and one ``bincount``."""

    def __init__(self, agg: pd.DataFrame):
        self.frame = agg
        self.n = agg["n"].to_numpy(dtype=np.int64)
        self.codes: dict[str, np.ndarray] = {}
        self.labels: dict[str, np.ndarray] = {}
        for c in KEY:
            codes, uniq = pd.factorize(agg[c].to_numpy(dtype=object))
            self.codes[c] = codes.astype(np.int64)
            self.labels[c] = np.asarray(uniq, dtype=object)
        pair_of = self.codes["column"] * (len(self.labels["column_2"]) + 1) + self.codes["column_2"]
        self._rows: dict[tuple[str, str], np.ndarray] = {}
        order = np.argsort(pair_of, kind="stable")
        bounds = np.flatnonzero(np.diff(pair_of[order])) + 1
        for part in np.split(order, bounds) if len(order) else []:
            i = part[0]
            self._rows[
                (self.labels["column"][self.codes["column"][i]], self.labels["column_2"][self.codes["column_2"][i]])
            ] = part

    def _code(self, column: str, label: str) -> int:
        hit = np.flatnonzero(self.labels[column] == label)
        return int(hit[0]) if len(hit) else -2

    def select(
        self,
        columns: Sequence[str],
        *,
        answered: Sequence[str] = (),
        where: Mapping[str, str] | None = None,
        missing=None,
        apart: bool = False,
    ) -> pd.DataFrame:
        """See :func:`select`."""
        columns = list(columns)
        pair = _pair_for(columns, answered)
        if pair is None:
            questions = [c for c in columns if c not in DIMS]
            items = [c for c in questions if c in ITEMS]
            if not apart or answered or len(items) < 2 or set(questions) - set(items) - {"had_gap"}:
                raise NeedsRows(f"the aggregate holds no counts of {questions} together")
            parts = []
            for item in items:
                part = self.select([c for c in columns if c not in ITEMS or c == item], where=where, missing=missing)
                for other in items:
                    if other != item:
                        part[other] = missing
                parts.append(part[columns + ["n"]])
            return pd.concat(parts, ignore_index=True)
        a, b = pair
        rows = self._rows.get(pair, np.zeros(0, dtype=np.int64))
        keep = np.ones(len(rows), dtype=bool)
        for d, v in (where or {}).items():
            keep &= self.codes[d][rows] == self._code(d, v)
        for c in answered:
            if c not in DIMS:
                src = "code" if c == a else "code_2"
                keep &= self.codes[src][rows] != self._code(src, MISSING)
        rows = rows[keep]
        n = self.n[rows]
        if not columns:
            return pd.DataFrame({"n": [int(n.sum())]})
        srcs = [c if c in DIMS else ("code" if c == a else "code_2") for c in columns]
        sizes = [len(self.labels[src]) for src in srcs]
        key = np.zeros(len(rows), dtype=np.int64)
        for src, size in zip(srcs, sizes):
            key = key * size + self.codes[src][rows]
        if int(np.prod(sizes, dtype=np.float64)) <= 1 << 22:
            total = np.bincount(key, weights=n) if len(key) else np.zeros(0)
            present = np.flatnonzero(total)
            total = total[present]
        else:  # many labels (rounds x institutions x ...): only the combinations present
            present, inverse = np.unique(key, return_inverse=True)
            total = np.bincount(inverse.ravel(), weights=n)
        out: dict[str, object] = {}
        rest = present
        for c, src, size in reversed(list(zip(columns, srcs, sizes))):
            lab = self.labels[src][rest % size]
            out[c] = lab if isinstance(missing, str) and missing == MISSING else np.where(lab == MISSING, missing, lab)
            rest = rest // size
        frame = pd.DataFrame({c: out[c] for c in columns})
        frame["n"] = total.astype(np.int64)
        return frame


def select(
    agg: pd.DataFrame | Indexed,
    columns: Sequence[str],
    *,
    answered: Sequence[str] = (),
    where: Mapping[str, str] | None = None,
    missing=None,
    apart: bool = False,
) -> pd.DataFrame:
    """Respondents per combination of ``columns`` (filter columns or questions), read from an aggregate.

    Only respondents who answered every one of ``answered``, and (``where``)
    of one selection: a filter column at one label (:data:`MISSING` for
    empty).  Returns the columns' labels (``missing`` for not answered) and
    ``n``, one row per combination present, in no particular order.

    ``apart``: several items (with ``had_gap``, no ``answered``) are counted
    each on its own: the rows of each item's pair one after the other, the
    other items empty.  Enough for a statistic that reads each item on its
    own (``stats.pct_by_group``), not for one that crosses them.

    Raises :class:`NeedsRows` when no pair of :data:`PAIRS` holds the columns.
    Many calls on one aggregate: pass it as :class:`Indexed` once.
    """
    index = agg if isinstance(agg, Indexed) else Indexed(agg)
    return index.select(columns, answered=answered, where=where, missing=missing, apart=apart)


def labels(agg: pd.DataFrame, column: str) -> list[str]:
    """The labels ``column`` (a filter column or a question of :data:`PAIRS`) takes, without :data:`MISSING`."""
    if column in DIMS:
        vals = agg[column]
    else:
        vals = pd.concat([agg.loc[agg["column"] == column, "code"], agg.loc[agg["column_2"] == column, "code_2"]])
    return sorted(v for v in set(vals) if v != MISSING)


def has_missing(agg: pd.DataFrame, column: str) -> bool:
    """Whether some respondent left ``column`` empty (a filter column or a question of :data:`PAIRS`)."""
    if column in DIMS:
        return bool((agg[column] == MISSING).any())
    return bool(
        ((agg["column"] == column) & (agg["code"] == MISSING)).any()
        or ((agg["column_2"] == column) & (agg["code_2"] == MISSING)).any()
    )
