"""Disclosure control that holds across views: one protected table per data set.

Every number a reader can see (reports in every format, charts, documents,
dashboards, comparisons, relations, models, comments) is read from one
:class:`ProtectedData` object, built once per data set.  It decides, jointly
over the whole space a reader can ask for, which cells are shown; readers'
filters only *select* from that decision.  No view computes its own
suppression.  The method and its cost are explained for inspectors in
``docs/disclosure.md``.

The reader's query space
------------------------
A selection (a *view*) sets each of ``round_id``, ``gi``, ``respondent_type``
and ``measure_type`` to **one value or "all"**.  A list of several values is
refused (:class:`ValueError`): a union of cells is not a cell of the
protected table, and unions defeat margin-based protection (with {big, small}
and {big} a reader subtracts to get {small}).  A list of one value is the
same as that value.

Families
--------
Published numbers that add up are protected together in one *family*
(:class:`analysis.cube.Cube`): the respondents (counts of every selection),
the respondents per number of workers and per "period without a worker"
(group sizes), the answers to each question, the grade (means), the grade per
group, the answers to the quality items per gap group, and lazily one family
per cross table and per grade-by-group relation a reader asks for.  A family
whose cells split the margins of another takes those margins from it (they
are *fixed* there), and every cell of a hidden selection is hidden in every
family (*forced*).

What a hidden cell looks like
-----------------------------
``suppressed`` is true, estimates are null, and the size is null as well
(data contract 1.1): ``"n": null, "n_below": null``, the same for a group
smaller than the minimum and for one hidden to protect another, and one text
for both ("verborgen: minder dan 10 of ter bescherming"); two labels would
tell the reader which hidden cells hold at least ``min_cell`` and so give
bounds (a shown total of 11 over one small and one protecting hidden cell
makes them 1 and 10).  The base n of what is shown stays visible.

``min_cell`` is at least :data:`MIN_CELL_FLOOR` (10); a lower value is refused.

Tests and models read only shown groups: trend tests, comparisons, cross
tables, association measures and the model builder run on the respondents of
shown cells, so a statistic never mixes in a hidden group.

Comments are protected by *blocks* (:meth:`ProtectedData.comment_blocks`):
the finest selections are pooled until every block has at least ``min_cell``
respondents, and a selection shows comments only when it is a union of whole
blocks.  Set operations on comment lists (one selection minus another, or
their intersection) then only ever give unions of blocks.
"""

from __future__ import annotations

import hashlib
import math
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from . import aggregate as agg_mod
from . import comments as comment_rule
from . import contract, i18n, stats
from .comments import CommentsResult
from .compare import REST, compare_groups, holm, institution_vs_rest
from .cube import ALL, EMPTY, EMPTY_CELL, PROTECTS, SHOWN, SMALL, Cube, Dim, simple_dim
from .figures import (
    CONTACT_GROUPS,
    FOUR_OR_MORE,
    GAP_GROUPS,
    TEXT_STATISTIC_IDS,
    TITLE_KEY,
    FigureResult,
)
from .filters import normalize_filter_value
from .relations import _categories as rel_categories
from .relations import association, variable_kind
from .views import grade_summary_by_group

#: The lowest minimum cell size this tool accepts (data contract section 2).
MIN_CELL_FLOOR = contract.MIN_CELL_FLOOR
#: Filter dimensions in the order of the cube keys.
DIMS = agg_mod.DIMS
#: Coded items with a distribution (and a comparison) of their own.
ITEMS = agg_mod.ITEMS
#: Group columns of the respondents family (their distributions are group sizes elsewhere).
GROUP_COLUMNS = ("n_workers", "had_gap")
#: Status values of the protected table.
STATUSES = (SHOWN, SMALL, PROTECTS, EMPTY_CELL)
#: Columns of :meth:`ProtectedData.table`.
TABLE_COLUMNS = ("family", *DIMS, "group_column", "group", "group_column_2", "group_2", "n", "status")
#: Fit statistics of a model a reader sees (:meth:`ProtectedView.grade_model`; the others carry n exactly).
READER_FIT = ("n", "k", "r2", "mcfadden_r2")
#: Decimals of the model tables a reader sees (the page shows 3; full precision gives n via the t quantile).
READER_DECIMALS = 3
#: Roles that may see other answers next to comments.
ANSWER_ROLES = ("inspecteur",)
#: How many outputs derived from one protected table (a view's figures, their charts) it keeps
#: (:meth:`ProtectedData.memo`, least recently used out).  A view's 13 charts in one language are about
#: 0.5 MB in memory (125 kB as JSON): at most about 64 MB per table, for some 60 selections in two languages.
MEMO_ENTRIES = 128


def check_min_cell(min_cell: Any) -> int:
    """``min_cell`` as an int, refused (:class:`ValueError`) below the floor (:func:`analysis.contract.check_min_cell`)."""
    return contract.check_min_cell(min_cell)


def _labels(df: pd.DataFrame, column: str):
    return stats.category_labels(df, column)


def _missing(df: pd.DataFrame, column: str) -> bool:
    return bool(df[column].isna().any()) if column in df.columns else False


# --------------------------------------------------------------------------- filters


def normalize_view_filters(filters: Mapping[str, Any] | None) -> dict[str, str | None]:
    """Filters of one view: each ``None`` (all) or one value; lists of several values are refused."""
    filters = dict(filters or {})
    unknown = [k for k in filters if k not in contract.FILTER_COLUMNS]
    if unknown:
        raise ValueError(f"unknown filter(s) {unknown}; allowed: {', '.join(contract.FILTER_COLUMNS)}")
    out: dict[str, str | None] = {}
    for name in contract.FILTER_COLUMNS:
        values = normalize_filter_value(name, filters.get(name))
        if values is None:
            out[name] = None
        elif len(values) == 1:
            out[name] = values[0]
        else:
            raise ValueError(
                f"filter {name!r}: choose one value or all, not a list of {len(values)} "
                "(a combination of groups could give a hidden group away by subtraction)"
            )
    return out


# --------------------------------------------------------------------------- the protected data


_CACHE: OrderedDict = OrderedDict()
_CACHE_SIZE = 4


def _fingerprint(df: pd.DataFrame) -> str:
    """A key of the frame's contents (for the cache of :func:`protect`).

    The buffers of each column are hashed as they are (Arrow text columns,
    nullable integers): about 0.5 s for a million rows, where hashing every
    cell as text took 8 to 11 s.  Equal frames stored differently (another
    dtype, another chunking) get different keys: a cache miss, never a
    wrong hit.
    """
    h = hashlib.sha256()
    h.update(repr((tuple(df.columns), df.shape, tuple(str(t) for t in df.dtypes))).encode())
    for c in df.columns:
        arr = df[c].array
        chunks = getattr(getattr(arr, "_pa_array", None), "chunks", None)
        if chunks is not None:
            for ch in chunks:
                h.update(repr((ch.offset, len(ch))).encode())
                for b in ch.buffers():
                    h.update(b"-" if b is None else memoryview(b))
        elif isinstance(arr, (pd.arrays.IntegerArray, pd.arrays.FloatingArray, pd.arrays.BooleanArray)):
            h.update(np.ascontiguousarray(arr._data).tobytes())
            h.update(np.ascontiguousarray(arr._mask).tobytes())
        else:
            h.update(pd.util.hash_pandas_object(df[c].astype(object).astype(str), index=False).to_numpy().tobytes())
    return h.hexdigest()


def protect(
    df: pd.DataFrame | None = None,
    *,
    min_cell: int = contract.DEFAULT_MIN_CELL,
    previous: pd.DataFrame | None = None,
    on_build: Callable[[str, ProtectedData], None] | None = None,
    pool_rounds: bool = True,
    aggregate: pd.DataFrame | None = None,
    rows: Callable[[], pd.DataFrame] | None = None,
    rows_key: Any = None,
) -> ProtectedData:
    """The :class:`ProtectedData` of a data set (cached for the last few data sets).

    ``previous``: hidden cells of earlier tables that stay hidden (see
    :class:`ProtectedData`); part of the cache key.  ``on_build``: see
    :attr:`ProtectedData.on_build` (set on the returned object when given).
    ``pool_rounds``: see :class:`ProtectedData`; part of the cache key.
    ``aggregate``, ``rows``: the data set as counts instead of ``df`` (see
    :class:`ProtectedData`); the cache key is then the aggregate's contents and ``rows_key``, which
    names where ``rows`` reads (equal counts of two databases are not the same rows).
    """
    min_cell = check_min_cell(min_cell)
    prev = None if previous is None or not len(previous) else previous
    if (df is None) == (aggregate is None):
        raise ValueError("give the responses (df) or their aggregate, not both")
    # one round: its cells are those of all rounds, so both settings give the same table (one build)
    n_rounds = df["round_id"].nunique() if df is not None else len(agg_mod.labels(aggregate, "round_id"))
    pool_rounds = bool(pool_rounds) or n_rounds <= 1
    key = (
        _fingerprint(df) if df is not None else ("aggregate", _fingerprint(aggregate.reset_index(drop=True)), rows_key),
        min_cell,
        None if prev is None else _fingerprint(prev.reset_index(drop=True)),
        bool(pool_rounds),
    )
    pd_ = _CACHE.get(key)
    if pd_ is None:
        pd_ = ProtectedData(
            df, min_cell=min_cell, previous=prev, pool_rounds=pool_rounds, aggregate=aggregate, rows=rows
        )
        _CACHE[key] = pd_
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    else:
        _CACHE.move_to_end(key)
    if on_build is not None:
        pd_.on_build = on_build
    return pd_


class ProtectedData:
    """The protected table of one data set: every decision about what is shown.

    Parameters
    ----------
    df : pandas.DataFrame
        Canonical response frame with **all** responses a reader can reach
        (every round and institution); filters select from it later.
    min_cell : int
        Minimum group size, at least :data:`MIN_CELL_FLOOR`.

    previous : pandas.DataFrame, optional
        :meth:`table` of an earlier protected table of the same data (e.g.
        the round before new responses came in), or the hidden rows of
        several such tables together (cells of several rounds: the round is
        part of each cell's key).  Every cell hidden there stays hidden
        (*sticky suppression*), unless its total follows from the cells
        this table shows (then hiding it hides nothing; :class:`Cube`
        ``sticky``): a group that was hidden cannot be uncovered
        by adding rows one knows until it reaches the minimum and
        subtracting them again (the padding attack).  Only ``family``, the
        filter columns, ``group``, ``group_2`` and ``status`` are read.
    pool_rounds : bool
        False: with more than one round, every cell of all rounds together
        is hidden, so that each round is a table of its own.  For tables
        released round by round (a round's rows fixed at its release): the
        figures of rounds A and B together, next to those of A alone
        published earlier, would give B's part of a cell that B's own
        table hides.  One round alone: its cells are those of all rounds.
    aggregate : pandas.DataFrame, optional
        Instead of ``df``: the data set as counts (:func:`analysis.aggregate.count_table`,
        e.g. kept by the storage layer).  The figure families, every figure
        and the key numbers are read from it; what needs rows (cross tables,
        relations, models, comments, microdata) calls ``rows`` the first time
        (:attr:`df`), which must give the same responses.  The decisions are
        those of the rows: the families are built from the same counts.
    rows : callable, optional
        With ``aggregate``: returns the responses (None: row outputs raise
        :class:`analysis.aggregate.NeedsRows`).

    Notes
    -----
    Families are built when first needed and kept; building the figure
    families of a data set of 1500 respondents takes some seconds.  Use
    :func:`protect` to share one object between calls.
    """

    def __init__(
        self,
        df: pd.DataFrame | None = None,
        *,
        min_cell: int = contract.DEFAULT_MIN_CELL,
        previous: pd.DataFrame | None = None,
        pool_rounds: bool = True,
        aggregate: pd.DataFrame | None = None,
        rows: Callable[[], pd.DataFrame] | None = None,
    ):
        self.min_cell = check_min_cell(min_cell)
        # cells hidden in an earlier protected table of the same round stay hidden (sticky suppression)
        self._previous: dict[str, set] = {}
        if previous is not None and len(previous):
            hidden = previous[previous["status"].isin([SMALL, PROTECTS])]
            for fam, part in hidden.groupby("family"):
                cols = [c for c in ("group", "group_2") if part[c].notna().any()]
                self._previous[str(fam)] = {
                    tuple(str(v) for v in rec) for rec in part[list(DIMS) + cols].itertuples(index=False, name=None)
                }
        if (df is None) == (aggregate is None):
            raise ValueError("give the responses (df) or their aggregate, not both")
        self._df = None if df is None else df.reset_index(drop=True)
        self._agg = aggregate
        self._rows = rows
        self._pool_rounds = pool_rounds
        self._rows_lock = threading.Lock()
        self._memo_lock = threading.Lock()
        self._start()

    def _start(self) -> None:
        """Rounds, institutions and empty caches of the data (rows, or the aggregate when there is one)."""
        self._agg_index = None if self._agg is None else agg_mod.Indexed(self._agg)
        if self._agg is None:
            self.rounds = sorted(str(v) for v in self._df["round_id"].dropna().unique())
            present = {str(v) for v in self._df["gi"].dropna().unique()}
        else:
            self.rounds = agg_mod.labels(self._agg, "round_id")
            present = set(agg_mod.labels(self._agg, "gi"))
        #: cells of all rounds together are hidden (several rounds, ``pool_rounds`` False)
        self.rounds_apart = not self._pool_rounds and len(self.rounds) > 1
        self.gis = [g for g in contract.GI_CODES if g in present] + sorted(present - set(contract.GI_CODES))
        #: column -> (code per row, -1 when missing; its labels): every column encoded once
        self._encoded: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._families: dict[str, Cube] = {}
        self._blocks = None
        #: called as ``on_build(key, self)`` after a family is built (the caller keeps
        #: the hidden cells of a family built on demand, so that they stay hidden)
        self.on_build: Callable[[str, ProtectedData], None] | None = None
        #: outputs derived from this table's decisions (:meth:`memo`), forgotten when it starts again
        self._memo: OrderedDict[tuple, Any] = OrderedDict()

    @property
    def df(self) -> pd.DataFrame:
        """The responses (of a table built from an aggregate: read the first time they are needed).

        The rows read must be the ones the aggregate counts: a family built from
        counts next to one built from rows with one more response would give that
        response's answers away by subtraction.  When they are not (a response
        came in between), the table starts again from the rows: every family is
        built again from them, and the aggregate is no longer read.  One reader
        at a time (the table is shared by the sessions of a server).
        """
        if self._df is None:
            with self._rows_lock:
                if self._df is None:
                    if self._rows is None:
                        raise agg_mod.NeedsRows("this protected table was built from counts only")
                    rows = self._rows().reset_index(drop=True)
                    if self._agg is not None and not agg_mod.equal(agg_mod.count_table(rows), self._agg):
                        self._df, self._agg = rows, None
                        self._start()
                    self._df = rows
        return self._df

    @property
    def from_aggregate(self) -> bool:
        """Built from an aggregate (rows read only when an output needs them)."""
        return self._agg is not None

    # ------------------------------------------------------------------ dimensions

    def _has_missing(self, column: str) -> bool:
        if self._agg is not None:
            return agg_mod.has_missing(self._agg, column)
        return _missing(self._df, column)

    def _filter_dims(self, *, answered_mt: bool = False, rest: bool = True) -> list[Dim]:
        return [
            simple_dim("round_id", self.rounds, missing=self._has_missing("round_id")),
            simple_dim("gi", self.gis, missing=self._has_missing("gi"), rest=rest),
            simple_dim("respondent_type", contract.RESPONDENT_TYPES, missing=self._has_missing("respondent_type")),
            simple_dim("measure_type", contract.CODES["measure_type"], missing=True, answered=answered_mt),
        ]

    def _group_dim(self, column: str, *, groups=None, answered: bool = True, rest_of=None) -> Dim:
        if groups is None:
            groups = stats.default_categories(column) if column not in DIMS else None
        if rest_of is not None:  # only some groups are published; the others form one virtual part
            others = [c for c in stats.default_categories(column) if c not in groups] + [EMPTY]
            return simple_dim(column, groups, missing=True, other=("~", others))
        return simple_dim(column, groups, missing=True, answered=answered)

    def _encode(self, column: str) -> tuple[np.ndarray, np.ndarray]:
        """``(codes, labels)`` of a column: the index of each row's label (-1 when missing) and the labels
        (:func:`analysis.stats.category_labels`, as text).  Computed once per column: every family
        counts combinations of these small integers instead of taking rows of text."""
        e = self._encoded.get(column)
        if e is None:
            labels = _labels(self.df, column)
            codes, uniq = pd.factorize(labels, use_na_sentinel=True)
            if not all(isinstance(u, str) for u in uniq):  # other values than text: 1 and "1" are one label
                labels = np.array([None if v is None else str(v) for v in labels], dtype=object)
                codes, uniq = pd.factorize(labels, use_na_sentinel=True)
            e = (codes.astype(np.int64), np.array([str(u) for u in uniq], dtype=object))
            self._encoded[column] = e
        return e

    def _row_codes(self, columns: Sequence[str]) -> pd.DataFrame:
        """One row per respondent: the label of each column (:data:`EMPTY` for missing)."""
        out = {}
        for c in columns:
            codes, labels = self._encode(c)
            out[c] = np.append(labels, EMPTY).astype(object)[codes]  # -1 (missing) reads the last: EMPTY
        return pd.DataFrame(out, index=self.df.index)

    def _atom_counts(
        self,
        columns: Sequence[str],
        *,
        answered: Sequence[str] = (),
        where: Mapping[str, str] | None = None,
        missing: Any = EMPTY,
        sort: bool = True,
        apart: bool = False,
    ) -> pd.DataFrame:
        """The respondents who answered every one of ``answered`` (and, ``where``, of one selection:
        filter column -> label, :data:`EMPTY` for empty) counted per combination of the columns' labels
        (``missing`` for not answered): one row per combination present, sorted by the labels, with ``n``.

        From the aggregate when the table was built from one and it holds these counts, else from rows;
        ``apart``: see :func:`analysis.aggregate.select` (rows give the joint counts, which serve as well)."""
        columns = list(columns)
        if self._agg is not None:
            try:
                w = {d: agg_mod.MISSING if v == EMPTY else v for d, v in (where or {}).items()}
                frame = self._agg_index.select(columns, answered=answered, where=w, missing=missing, apart=apart)
            except agg_mod.NeedsRows:
                pass
            else:
                return frame.sort_values(columns, kind="stable").reset_index(drop=True) if columns and sort else frame
        keep = self._where_mask(where, answered)
        key = np.zeros(len(self.df), dtype=np.int64)
        radix = []
        stride = 1
        for c in columns:
            codes, labels = self._encode(c)
            r = len(labels) + 1
            key += np.where(codes < 0, r - 1, codes) * stride
            radix.append((stride, r, np.append(labels, None).astype(object)))
            stride *= r
        if stride >= 1 << 62:  # pragma: no cover - far beyond any table (the key would overflow)
            raise ValueError(f"too many combinations of {columns} to count")
        if keep is not None:
            key = key[keep]
        if stride <= 1 << 22:
            counts = np.bincount(key, minlength=stride)
            vals = np.flatnonzero(counts)
            counts = counts[vals]
        else:
            vals, counts = np.unique(key, return_counts=True)
        out = {}
        for c, (st, r, lookup) in zip(columns, radix):
            lookup[-1] = missing
            out[c] = lookup[(vals // st) % r]
        out["n"] = counts.astype(np.int64)
        frame = pd.DataFrame(out)
        return frame.sort_values(columns, kind="stable").reset_index(drop=True) if columns and sort else frame

    def _where_mask(self, where: Mapping[str, str] | None, answered: Sequence[str] = ()) -> np.ndarray | None:
        """Which rows are of the selection ``where`` and answered every one of ``answered`` (None: all)."""
        keep = np.ones(len(self.df), dtype=bool)
        for c in answered:
            keep &= self._encode(c)[0] >= 0
        for d, v in (where or {}).items():
            codes, labels = self._encode(d)
            keep &= codes < 0 if v == EMPTY else codes == (int(np.argmax(labels == v)) if (labels == v).any() else -2)
        return None if keep.all() else keep

    def _cube(
        self,
        key: str,
        answered: Sequence[str],
        dims: list[Dim],
        *,
        forced=None,
        fixed=None,
        rest_groups=(),
        crossed=True,
    ) -> Cube:
        """A cube of this data set (of the respondents who answered ``answered``); families of counts only
        (respondents*) have no sensitive virtual parts."""
        before = self._previous.get(key)
        sticky = (lambda k: tuple(str(v) for v in k) in before) if before else None
        # each round a table of its own: all rounds together hidden (unless they are one round's cell)
        apart = (lambda k: k[0] == ALL) if self.rounds_apart else None
        atoms = self._atom_counts([d.name for d in dims], answered=answered)
        return Cube(
            key,
            atoms.drop(columns="n"),
            dims,
            weights=atoms["n"].to_numpy(),
            n_filter_dims=4,
            min_cell=self.min_cell,
            forced=forced,
            sticky=sticky,
            fixed=fixed,
            apart=apart,
            rest_groups=rest_groups,
            virtual_sensitive=not key.startswith("respondents"),
            crossed=crossed,
        )

    # ------------------------------------------------------------------ families

    def family(self, key: str) -> Cube:
        """The cube of one family, built on first use.

        Keys: ``respondents`` (counts; groups ``n_workers`` and ``had_gap``),
        ``grade`` (groups ``n_workers``), ``item:<item>``
        (``say_in_plan`` and the quality items with ``had_gap`` groups),
        ``grade:<column>`` (grade by another question, for relations and
        models) and ``crosstab:<a>:<b>`` (``a`` < ``b``).
        """
        cube = self._families.get(key)
        if cube is None:
            cube = self._build(key)
            self._families[key] = cube
            if self.on_build is not None:
                self.on_build(key, self)
        return cube

    def _forced_by(self, parent: str):
        """forced(k): the parent family hides the same selection (and the same groups, if it has them)."""
        cube = self.family(parent)
        pnames = cube.names[len(DIMS) :]

        def forced(k, names):
            view = tuple(k[: len(DIMS)])
            groups = dict(zip(names, k[len(DIMS) :]))
            pk = view + tuple(groups.get(g, ALL) if groups.get(g, ALL) in _labels_of(cube, g) else ALL for g in pnames)
            cid = cube.key_to_id.get(pk)
            return cid is not None and bool(cube.hidden[cid])

        return forced

    def _margin_fixed(self, parent: str):
        """fixed(k): the margin of a lazily built family is a cell the parent shows (it may not hide it)."""
        cube = self.family(parent)
        pad = tuple(ALL for _ in cube.names[len(DIMS) :])

        def fixed(k):
            if any(lab != ALL for lab in k[len(DIMS) :]):
                return False
            cid = cube.key_to_id.get(tuple(k[: len(DIMS)]) + pad)
            return cid is not None and not bool(cube.hidden[cid])

        return fixed

    def _build(self, key: str) -> Cube:
        parts = key.split(":")
        nw = self._group_dim("n_workers")
        gap = self._group_dim("had_gap")
        if key == "respondents":
            dims = self._filter_dims(answered_mt=True) + [nw, gap]
            return self._cube(key, (), dims, crossed=False, rest_groups=("had_gap",))
        resp = self._forced_by("respondents")
        if key == "grade":
            dims = self._filter_dims() + [nw]
            names = [d.name for d in dims[len(DIMS) :]]
            return self._cube(key, ("grade",), dims, forced=lambda k: resp(k, names), crossed=False)
        if parts[0] == "item" and len(parts) == 2 and parts[1] in ITEMS:
            item = parts[1]
            dims = self._filter_dims()
            if item == "say_in_plan":
                dims.append(gap)
            elif item in contract.QUALITY_ITEMS:
                dims.append(self._group_dim("had_gap", groups=GAP_GROUPS, rest_of=True))
            names = [d.name for d in dims[len(DIMS) :]]
            return self._cube(key, (item,), dims, forced=lambda k: resp(k, names))
        if parts[0] == "grade" and len(parts) == 2:
            col = parts[1]
            if col in DIMS or col == "n_workers" or col not in _RELATION_COLUMNS:
                raise ValueError(f"no separate grade family for {col!r}")
            grade = self._forced_by("grade")
            fixed = self._margin_fixed("grade")
            dims = self._filter_dims() + [self._group_dim(col)]
            return self._cube(
                key,
                ("grade",),
                dims,
                forced=lambda k: resp(k, []) or grade(k, []),
                fixed=fixed,
            )
        if parts[0] == "crosstab" and len(parts) == 3:
            row, col = parts[1], parts[2]
            pop = tuple(c for c in (row, col) if c not in DIMS)
            dims = self._filter_dims(rest=False)
            for c in (row, col):
                if c not in DIMS:
                    dims.append(simple_dim(c, _categories(self.df, c), missing=False))
            # a view the question's family hides is hidden here too (both questions' families, at the margins)
            parents = [resp] + [self._forced_by(f"item:{c}") for c in (row, col) if c in ITEMS]
            return self._cube(key, pop, dims, forced=lambda k: any(p(k, []) for p in parents))
        raise ValueError(f"unknown family {key!r}")

    # ------------------------------------------------------------------ reading

    def view(self, filters: Mapping[str, Any] | None = None) -> ProtectedView:
        """The outputs of one selection (each filter one value or all)."""
        return ProtectedView(self, normalize_view_filters(filters))

    def memo(self, key: tuple, make: Callable[[], Any]) -> Any:
        """``make()``, kept with this table under ``key`` and shared by every reader of it.

        For outputs that follow from the table's decisions and the key alone (a
        view's figures, a figure's chart in one language): a table's decisions
        never change once made (a family is built once; a table that starts
        again from its rows forgets what it kept), so what was made from them
        stays true for the table's life.  At most :data:`MEMO_ENTRIES` are kept
        (least recently used first out).  Thread-safe; two readers asking for the
        same new key at once may both make it (the same value).  Callers must not
        change what they get.
        """
        with self._memo_lock:
            kept = self._memo
            if key in kept:
                kept.move_to_end(key)
                return kept[key]
        value = make()
        with self._memo_lock:
            if self._memo is kept:  # else the table started again meanwhile: what was made may be of the old one
                kept[key] = value
                while len(kept) > MEMO_ENTRIES:
                    kept.popitem(last=False)
        return value

    def table(self, families: Sequence[str] | None = None) -> pd.DataFrame:
        """The protected table: every published cell of the given (default: built) families.

        Columns :data:`TABLE_COLUMNS`; ``status`` is ``shown``, ``small``
        (fewer than ``min_cell``), ``protects`` (hidden to protect a small
        group) or ``empty`` (no respondents).  ``n`` is the true size, for
        audits only: never show it for hidden cells.
        """
        keys = list(self._families) if families is None else list(families)
        parts = []
        for key in keys:
            t = self.family(key).table()
            extra = [c for c in t.columns if c not in (*DIMS, "n", "status")]
            out = t[list(DIMS)].copy()
            out.insert(0, "family", key)
            out["group_column"] = extra[0] if extra else None
            out["group"] = t[extra[0]] if extra else None
            out["group_column_2"] = extra[1] if len(extra) > 1 else None
            out["group_2"] = t[extra[1]] if len(extra) > 1 else None
            out["n"] = t["n"]
            out["status"] = t["status"]
            parts.append(out)
        if not parts:
            return pd.DataFrame(columns=list(TABLE_COLUMNS))
        return pd.concat(parts, ignore_index=True)[list(TABLE_COLUMNS)]

    def figure_families(self) -> list[str]:
        """The families behind the report figures, text statistics, key numbers and comparisons."""
        return ["respondents", "grade", *(f"item:{i}" for i in ITEMS)]

    def cost(self, families: Sequence[str] | None = None) -> pd.DataFrame:
        """Per family: published cells with respondents, and how many are shown, small, protecting.

        Cells count once per distinct selection (with one round, "all rounds"
        and that round are the same cell).
        """
        rows = []
        for key in families or self.figure_families():
            cube = self.family(key)
            ids = np.flatnonzero(cube.published & (cube.n > 0))
            hidden = cube.hidden[ids]
            small = cube.n[ids] < self.min_cell
            rows.append(
                {
                    "family": key,
                    "cells": len(ids),
                    "shown": int((~hidden).sum()),
                    "small": int((hidden & small).sum()),
                    "protects": int((hidden & ~small).sum()),
                    "respondents_in_protecting_cells": int(cube.n[ids][hidden & ~small].sum()),
                }
            )
        return pd.DataFrame(rows)

    # ------------------------------------------------------------------ joint audit of other releases

    def derived_small_cells(self, sets: pd.Series | pd.DataFrame, *, groups: bool = False) -> list[tuple]:
        """Small cells of the table whose sizes follow from its shown cells together with the counts of ``sets``.

        ``sets`` labels the rows of :attr:`df` (same order) with the set each
        belongs to in another release whose counts a reader knows (e.g. the
        classes of the microdata file, :mod:`analysis.microdata`); a missing
        label is a row in no set (left out of that release).  A frame gives
        several such labellings, one per column.  Returns the
        keys ``(round_id, gi, respondent_type, measure_type)`` of the cells of
        the respondents family at the margin of its groups that hold 1 to
        ``min_cell - 1`` respondents and whose size is a linear combination of
        the shown cells' sizes and the sets' sizes (exact linear algebra, as
        :meth:`analysis.cube.Cube._derivable`: respondents no known set tells
        apart are one class; a cell follows when it is a union of whole
        classes in the row space of the known sets).  Empty: the release and
        the table together give no small cell.

        ``groups`` True: the cells of the family's groups too (number of
        workers, a period without one: a release whose rows carry those
        answers, such as the microdata file); their keys then hold the group
        labels after the four filters.
        """
        cube = self.family("respondents")
        mc = self.min_cell
        group_names = cube.names[len(DIMS) :]
        codes = self._row_codes([*DIMS, *group_names])
        atom_of = (
            codes.astype(str)
            .merge(cube.atoms[cube.names].astype(str).reset_index(names="_atom"), on=cube.names, how="left")["_atom"]
            .to_numpy(dtype=np.int64)
        )
        targets = [
            (k, cid)
            for k, cid in cube.key_to_id.items()
            if (groups or all(lab == ALL for lab in k[len(DIMS) :])) and 0 < cube.n[cid] < mc and cube.hidden[cid]
        ]
        if not targets:
            return []
        frame = sets.to_frame() if isinstance(sets, pd.Series) else sets
        if len(frame) != len(self.df):
            raise ValueError("sets must label every row of the protected data")
        labels = [pd.factorize(frame[c].reset_index(drop=True), use_na_sentinel=True) for c in frame.columns]
        # fine atoms: respondents with the same cube atom and the same sets (no known set tells them apart)
        keys = np.column_stack([atom_of] + [codes_ for codes_, _ in labels])
        fine = np.unique(keys, axis=0)
        shown = np.flatnonzero(cube.shown & (cube.n > 0))
        rows = [cube.dense[shown][:, fine[:, 0]].astype(bool)]  # shown cells over fine atoms
        for j, (_, uniq) in enumerate(labels, start=1):
            if len(uniq):
                rows.append(np.arange(len(uniq))[:, None] == fine[None, :, j])
        K = np.vstack(rows)
        # fine atoms no known set tells apart are one class
        _, cls = np.unique(K.T, axis=0, return_inverse=True)
        cls = cls.ravel()
        n_cls = int(cls.max()) + 1
        P = np.zeros((K.shape[1], n_cls))
        P[np.arange(K.shape[1]), cls] = 1.0
        sizes = P.sum(axis=0)
        R = (K.astype(float) @ P > 0).astype(float)
        lam, vec = np.linalg.eigh(R.T @ R)
        Q = vec[:, lam > 1e-9 * max(1.0, float(lam.max()))]
        out = []
        for k, cid in targets:
            h = cube.dense[cid][fine[:, 0]].astype(float) @ P
            if not np.all((h == 0) | (h == sizes)):
                continue  # not a union of whole classes: not determined
            hn = (h > 0).astype(float)
            if np.abs(hn - (hn @ Q) @ Q.T).max() < 1e-7:
                out.append(tuple(k) if groups else tuple(k[: len(DIMS)]))
        return out

    # ------------------------------------------------------------------ comments

    def comment_blocks(self) -> pd.DataFrame:
        """The blocks of the comments rule: finest selections pooled to at least ``min_cell``.

        Returns one row per finest selection (round, institution, respondent
        type, measure type, empty included) with its ``n`` and ``block``
        number.  A small block is merged with the smallest block that shares
        the most of round, institution, respondent type (in that order), then
        with the smallest block of all, until every block has at least
        ``min_cell`` respondents (or there is one block).
        """
        if self._blocks is not None:
            return self._blocks
        atoms = self._atom_counts(DIMS)
        block = list(range(len(atoms)))
        keys = atoms[list(DIMS)].to_numpy(dtype=object)
        n = atoms["n"].to_numpy()

        def sizes():
            out: dict[int, int] = {}
            for b, k in zip(block, n):
                out[b] = out.get(b, 0) + int(k)
            return out

        while True:
            sz = sizes()
            small = [b for b, s in sorted(sz.items(), key=lambda t: (t[1], t[0])) if s < self.min_cell]
            if not small or len(sz) == 1:
                break
            b = small[0]
            members = [i for i, x in enumerate(block) if x == b]
            best = None
            for other, s in sz.items():
                if other == b:
                    continue
                both = members + [i for i, x in enumerate(block) if x == other]
                prefix = 0  # leading dimensions (round, institution, type, measure) the merged block shares
                for d in range(len(DIMS)):
                    if len({keys[i][d] for i in both}) == 1:
                        prefix += 1
                    else:
                        break
                cand = (-prefix, s, other)
                if best is None or cand < best:
                    best = cand
            target = best[2]
            block = [target if x == b else x for x in block]
        atoms["block"] = pd.factorize(pd.Series(block))[0]
        self._blocks = atoms
        return atoms


# --------------------------------------------------------------------------- helpers

_RELATION_COLUMNS = (
    *GROUP_COLUMNS,
    *ITEMS,
    "measure_type",
    "respondent_type",
    "gi",
    "round_id",
)


#: group dimensions of the question families (:meth:`ProtectedData._build`)
_ITEM_GROUPS = {"say_in_plan": ("had_gap",), **{q: ("had_gap",) for q in contract.QUALITY_ITEMS}}


def _categories(df: pd.DataFrame, column: str) -> tuple[str, ...]:
    if column == "gi":
        present = {str(v) for v in df["gi"].dropna().unique()}
        return tuple(g for g in contract.GI_CODES if g in present) + tuple(sorted(present - set(contract.GI_CODES)))
    if column == "round_id":
        return tuple(sorted(str(v) for v in df["round_id"].dropna().unique()))
    return tuple(stats.default_categories(column))


def _labels_of(cube: Cube, name: str) -> set:
    """Published labels of a dimension of a cube."""
    return set(cube.dims[cube.names.index(name)].selections)


def _int_or_none(v) -> int | None:
    return None if v is None else int(v)


@dataclass
class CellInfo:
    """What a reader may know about one cell: ``n`` (None when hidden) and why."""

    n: int | None
    status: str
    min_cell: int
    true_n: int = field(repr=False, default=0)

    @property
    def shown(self) -> bool:
        return self.status in (SHOWN, EMPTY_CELL)

    @property
    def has_data(self) -> bool:
        return self.status == SHOWN

    @property
    def n_below(self) -> int | None:
        """Always None: a reader never learns whether a hidden cell is small or protects one.

        Two labels ("minder dan 10" for small cells, "verborgen" for protecting ones) give bounds:
        a shown total of 11 over one hidden small and one hidden protecting cell makes them 1 and
        10 exactly. Statistical offices use one symbol for both (tau-ARGUS, CBS "x", ABS "np").
        The field stays in the outputs (data contract 1.1 allows ``"n": null`` for any hidden row).
        """
        return None


# --------------------------------------------------------------------------- one view


class ProtectedView:
    """The outputs of one selection, read from the protected table."""

    def __init__(self, data: ProtectedData, filters: dict[str, str | None]):
        self.data = data
        self.filters = filters
        self.min_cell = data.min_cell
        self.key = tuple(ALL if filters[d] is None else str(filters[d]) for d in DIMS)
        #: the selection: filter column -> label (EMPTY: empty)
        self.where = {d: v for d, v in zip(DIMS, self.key) if v != ALL}
        self.known = self.key[1] in (ALL, *data.gis) and self.key[0] in (ALL, *data.rounds)
        self._sub: pd.DataFrame | None = None

    @property
    def sub(self) -> pd.DataFrame:
        """The rows of this selection, taken when first asked for (the figures read :meth:`counts`);
        all rows: the data set's own frame, not a copy."""
        if self._sub is None:
            mask = self.data._where_mask(self.where)
            self._sub = self.data.df if mask is None else self.data.df.loc[mask].reset_index(drop=True)
        return self._sub

    def counts(self, *columns: str, apart: bool = False) -> stats.Counts:
        """The respondents of this selection per combination of the columns' answers: what the
        figures are computed from (:class:`analysis.stats.Counts`; from the table's aggregate, or
        from the columns encoded once per data set).  ``apart``: each item counted on its own is
        enough (:func:`analysis.aggregate.select`)."""
        return stats.Counts(self.data._atom_counts(columns, where=self.where, missing=None, sort=False, apart=apart))

    # ------------------------------------------------------------------ cells

    def _vkey(self, **fixed) -> tuple | None:  # None: the filters exclude each other (an empty cell)
        """The view key with some filters set to a value (None when that empties the view)."""
        key = list(self.key)
        for d, v in fixed.items():
            i = DIMS.index(d)
            if key[i] == ALL:
                key[i] = v
            elif key[i] != v:
                return None
        return tuple(key)

    def cell(self, family: str, *, view: Any = "self", **groups: str) -> CellInfo:
        """A cell of a family at this view (or at another view key; None = an empty cell).

        ``groups`` give the group labels by dimension name (e.g.
        ``n_workers="0"``, ``had_gap="+"`` for the answered margin); the
        other group dimensions are at their margin.
        """
        view = self.key if isinstance(view, str) and view == "self" else view
        if not self.known or view is None:
            return CellInfo(0, EMPTY_CELL, self.min_cell)
        cube = self.data.family(family)
        names = cube.names[len(DIMS) :]
        unknown = set(groups) - set(names)
        if unknown:
            raise KeyError(f"{family} has no group dimension {sorted(unknown)}")
        k = tuple(view) + tuple(str(groups.get(g, ALL)) for g in names)
        if k not in cube.key_to_id:
            if any(v not in cube.dims[i].selections for i, v in enumerate(k[: len(DIMS)])):
                return CellInfo(0, EMPTY_CELL, self.min_cell)
            return CellInfo(None, PROTECTS, self.min_cell)  # not a published cell: never shown
        n, status = cube.cell(k)
        return CellInfo(n if status in (SHOWN, EMPTY_CELL) else None, status, self.min_cell, n)

    @property
    def respondents(self) -> CellInfo:
        """The number of respondents of this selection (None when hidden)."""
        return self.cell("respondents")

    # ------------------------------------------------------------------ figures

    def _frame(self, family: str | None = None, column: str | None = None, shown_groups=None) -> pd.DataFrame:
        return self.sub

    def figures(self) -> list[FigureResult]:
        """Every contract figure (``contract.FIGURE_IDS``, in order) of this selection (made once per
        table and selection, :meth:`ProtectedData.memo`: do not change them)."""
        return list(self.data.memo(("figures", self.key), lambda: [self.figure(fid) for fid in contract.FIGURE_IDS]))

    def memo(self, key: tuple, make: Callable[[], Any]) -> Any:
        """:meth:`ProtectedData.memo` for an output of this selection (``key`` is extended by the view's)."""
        return self.data.memo(("view", self.key, *key), make)

    def text_statistics(self) -> list[FigureResult]:
        """The numbers the report text quotes (``figures.TEXT_STATISTIC_IDS``, in order)."""
        return [self.figure(fid) for fid in TEXT_STATISTIC_IDS]

    def figure(self, fid: str) -> FigureResult:
        """One figure (contract id or text statistic id), with the protected table's decisions."""
        if fid == "measure_type":
            return self._filter_distribution(fid, "measure_type")
        if fid in GROUP_COLUMNS:
            return self._group_distribution(fid)
        if fid in contract.DISTRIBUTION_FIGURES:
            return self._item_distribution(fid)
        if fid == "grade_by_workers":
            return self._grade_by_workers()
        if fid == "worker_qualities_by_gap":
            return self._qualities_by_gap()
        if fid == "contact_one_on_one":
            return self._by_respondent_type(fid, "contact_one_on_one")
        if fid == "say_in_plan_by_respondent_type":
            return self._by_respondent_type(fid, "say_in_plan")
        if fid == "say_in_plan_by_gap":
            return self._say_in_plan_by_gap()
        if fid == "n_workers_4_or_more":
            return self._share(fid, FOUR_OR_MORE)
        if fid == "n_workers_more_than_5":
            return self._share(fid, (6,))
        raise ValueError(f"unknown figure id {fid!r}")

    def _result(self, fid, kind, base: CellInfo, table, *, items, tests=None, group_n=None, group_column=None):
        title, title_en = i18n.text(TITLE_KEY + fid, "nl"), i18n.text(TITLE_KEY + fid, "en")
        fig = FigureResult(
            id=fid,
            kind=kind,
            base_n=base.n,
            table=table,
            tests=tests,
            title=title,
            title_en=title_en,
            items=items,
            group_n=group_n,
            min_cell=self.min_cell,
            group_column=group_column,
        )
        fig.base_n_below = base.n_below
        return fig

    @staticmethod
    def _hide_rows(table: pd.DataFrame, hide: np.ndarray, n_below, *, hide_n: bool = True) -> pd.DataFrame:
        table = table.copy()
        hide = np.asarray(hide, dtype=bool)
        # most rows of most views: nothing to mask (pandas' mask costs ~0.2 ms a column)
        mask = pd.Series(hide, index=table.index) if hide.any() else None
        for columns, dtype, missing in (
            (("pct", "mean", "sd", "ci_low", "ci_high"), "float64", np.nan),
            (("n_positive", *(("n",) if hide_n else ())), "Int64", pd.NA),
        ):
            for c in columns:
                if c in table.columns:
                    col = table[c] if table[c].dtype == dtype else table[c].astype(dtype)
                    table[c] = col if mask is None else col.mask(mask, missing)
        table["suppressed"] = table["suppressed"].to_numpy() | hide
        if "indicative" in table.columns:
            table["indicative"] = table["indicative"].to_numpy() & ~hide
        table["n_below"] = pd.array([v for v in n_below], dtype="Int64")
        return table

    def _item_distribution(self, column: str) -> FigureResult:
        base = self.cell(f"item:{column}")
        table = stats.distribution(self.counts(column), column=column, min_cell=contract.UNPROTECTED)
        hide = np.full(len(table), not base.has_data)
        table = self._hide_rows(table, hide, [None] * len(table))
        return self._result(column, "distribution", base, table, items=(column,))

    def _filter_distribution(self, fid: str, column: str) -> FigureResult:
        """measure_type: its categories are selections, so their counts follow the respondents family."""
        base = self.cell("respondents", view=self._vkey_answered_mt())
        table = stats.distribution(self.counts(column), column=column, min_cell=contract.UNPROTECTED)
        infos = [self.cell("respondents", view=self._vkey(**{column: c})) for c in table["category"]]
        hide = np.array([not (base.has_data and i.shown) for i in infos])
        table = self._hide_rows(table, hide, [i.n_below for i in infos])
        return self._result(fid, "distribution", base, table, items=(column,))

    def _vkey_answered_mt(self) -> tuple:
        key = list(self.key)
        if key[3] == ALL:
            key[3] = "+"
        return tuple(key)

    def _group_distribution(self, column: str) -> FigureResult:
        """n_workers, had_gap: categories are groups of other figures; counts follow the respondents family."""
        base = self.cell("respondents", **{column: "+"})
        table = stats.distribution(self.counts(column), column=column, min_cell=contract.UNPROTECTED)
        infos = [self.cell("respondents", **{column: c}) for c in table["category"]]
        hide = np.array([not (base.has_data and i.shown) for i in infos])
        table = self._hide_rows(table, hide, [i.n_below for i in infos])
        return self._result(column, "distribution", base, table, items=(column,))

    def _grade_by_workers(self) -> FigureResult:
        grades = self.counts("grade", "n_workers")
        table = stats.mean_by_group(grades, value="grade", group="n_workers", min_cell=contract.UNPROTECTED)
        infos = [self.cell("grade", n_workers=g) for g in table["group"]]
        base = self.cell("grade", n_workers="+")
        hide = np.array([not i.has_data for i in infos])
        table = self._hide_rows(table, hide, [i.n_below for i in infos])
        table["indicative"] = (~table["suppressed"]) & (table["n"].fillna(0) < contract.INDICATIVE_BELOW)
        shown = [g for g, i in zip(table["group"], infos) if i.has_data]
        tests = None
        if len(shown) >= 2:
            sub = stats.Counts(grades.frame[grades.frame["n_workers"].isin(shown)])
            r = stats.trend_results(sub, value="grade", group="n_workers", min_cell=contract.UNPROTECTED)
            if r["n_groups"] >= 2:
                tests = {k: r[k] for k in stats.TREND_TESTS}
        group_n = {g: i.n for g, i in zip(table["group"], infos)}
        fig = self._result(
            "grade_by_workers",
            "mean_by_group",
            base,
            table,
            items=("grade", "n_workers"),
            tests=tests,
            group_n=group_n,
            group_column="n_workers",
        )
        return fig

    def _qualities_by_gap(self) -> FigureResult:
        table = stats.pct_by_group(
            self.counts(*contract.QUALITY_ITEMS, "had_gap", apart=True),
            items=contract.QUALITY_ITEMS,
            group="had_gap",
            positive="ja",
            groups=GAP_GROUPS,
            min_cell=contract.UNPROTECTED,
        )
        infos = [self.cell(f"item:{q}", had_gap=g) for q, g in zip(table["item"], table["group"])]
        hide = np.array([not i.has_data for i in infos])
        table = self._hide_rows(table, hide, [i.n_below for i in infos])
        table["indicative"] = (~table["suppressed"]) & (table["n"].fillna(0) < contract.INDICATIVE_BELOW)
        gin = {g: self.cell("respondents", had_gap=g) for g in GAP_GROUPS}
        group_n = {g: i.n for g, i in gin.items()}
        if all(i.shown for i in gin.values()):
            base = CellInfo(sum(i.n for i in gin.values()), SHOWN, self.min_cell)
        else:
            small = sum(i.true_n for i in gin.values()) < self.min_cell
            base = CellInfo(None, SMALL if small else PROTECTS, self.min_cell)
        return self._result(
            "worker_qualities_by_gap",
            "pct_by_group",
            base,
            table,
            items=(*contract.QUALITY_ITEMS, "had_gap"),
            group_n=group_n,
            group_column="had_gap",
        )

    def _grouped(self, fid, column, group, groups, infos, base) -> FigureResult:
        table = stats.distribution_by_group(
            self.counts(column, group), column=column, group=group, groups=groups, min_cell=contract.UNPROTECTED
        )
        by_group = dict(zip(groups, infos))
        hide = np.array([not by_group[g].has_data for g in table["group"]])
        n_below = [by_group[g].n_below for g in table["group"]]
        table = self._hide_rows(table, hide, n_below)
        table["indicative"] = table["indicative"].to_numpy() & ~hide
        return self._result(
            fid,
            "distribution_by_group",
            base,
            table,
            items=(column, group),
            group_n={g: by_group[g].n for g in groups},
            group_column=group,
        )

    def _by_respondent_type(self, fid: str, column: str) -> FigureResult:
        fam = f"item:{column}"
        infos = [self.cell(fam, view=self._vkey(respondent_type=g)) for g in CONTACT_GROUPS]
        return self._grouped(fid, column, "respondent_type", CONTACT_GROUPS, infos, self.cell(fam))

    def _say_in_plan_by_gap(self) -> FigureResult:
        fam = "item:say_in_plan"
        groups = contract.CODES["had_gap"]
        infos = [self.cell(fam, had_gap=g) for g in groups]
        base = self.cell(fam, had_gap="+")
        return self._grouped("say_in_plan_by_gap", "say_in_plan", "had_gap", groups, infos, base)

    def _share(self, fid: str, codes) -> FigureResult:
        labels = [contract.WORKER_GROUPS[c] for c in codes]
        base = self.cell("respondents", n_workers="+")
        parts = [self.cell("respondents", n_workers=g) for g in labels]
        table = stats.share(self.counts("n_workers"), column="n_workers", values=codes, min_cell=contract.UNPROTECTED)
        hide = not (base.has_data and all(p.shown for p in parts))
        table = self._hide_rows(table, np.array([hide]), [None])
        return self._result(fid, "share", base, table, items=("n_workers",))

    # ------------------------------------------------------------------ key numbers

    def key_numbers(self) -> pd.DataFrame:
        """Respondents, parents, youths, share with a gap, mean grade; hidden ones null.

        Columns ``key, n, value, ci_low, ci_high, suppressed, n_below``
        (as :func:`analysis.views.key_numbers`, plus ``n_below``).
        """
        rows = []
        resp = self.respondents
        rows.append(
            ("respondents", resp.n, None if resp.n is None else float(resp.n), None, None, not resp.shown, resp.n_below)
        )
        for t in contract.RESPONDENT_TYPES:
            c = self.cell("respondents", view=self._vkey(respondent_type=t))
            ok = resp.has_data and c.shown
            rows.append((t, resp.n, float(c.n) if ok else None, None, None, not ok, c.n_below))
        gap = self.cell("respondents", had_gap="ja")
        base = self.cell("respondents", had_gap="+")
        if base.has_data and gap.shown:
            lo, hi = stats.wilson_interval(gap.n, base.n)
            rows.append(("had_gap", base.n, 100.0 * gap.n / base.n, 100 * lo, 100 * hi, False, None))
        else:
            rows.append(("had_gap", base.n, None, None, None, True, base.n_below))
        g = self.cell("grade")
        grades = self.counts("grade").frame.dropna(subset=["grade"])
        n, mean, sd = stats.mean_sd(grades["grade"].astype(float).to_numpy(), grades["n"].to_numpy())
        if g.has_data and n >= 2:
            lo, hi = stats.t_interval(mean, sd, n)
            rows.append(("mean_grade", g.n, mean, float(lo), float(hi), False, None))
        else:
            rows.append(("mean_grade", g.n, None, None, None, True, g.n_below))
        out = pd.DataFrame(rows, columns=["key", "n", "value", "ci_low", "ci_high", "suppressed", "n_below"])
        out["key"] = out["key"].astype("string")
        out["n"] = out["n"].astype("Int64")
        for c in ("value", "ci_low", "ci_high"):
            out[c] = pd.to_numeric(out[c], errors="coerce").astype("float64")
        out["suppressed"] = out["suppressed"].astype(bool)
        out["n_below"] = out["n_below"].astype("Int64")
        return out

    # ------------------------------------------------------------------ comparisons

    def _compare_cells(self, item: str, view: tuple | None) -> CellInfo:
        """The cell whose totals a comparison of ``item`` reveals on one side."""
        if view is None:
            return CellInfo(0, EMPTY_CELL, self.min_cell)
        if item == "grade":
            return self.cell("grade", view=view)
        if item == "had_gap":
            a = self.cell("respondents", view=view, had_gap="ja")
            b = self.cell("respondents", view=view, had_gap="+")
            if b.has_data and a.shown:
                return b
            return CellInfo(None, b.status if b.status != SHOWN else PROTECTS, self.min_cell, b.true_n)
        return self.cell(f"item:{item}", view=view)

    def _protect_compare(self, cmp: pd.DataFrame, a_view, b_view) -> pd.DataFrame:

        cmp = cmp.copy()
        a_below, b_below = [], []
        for i, item in enumerate(cmp["item"].astype(str)):
            ca, cb = self._compare_cells(item, a_view), self._compare_cells(item, b_view)
            hide = not (ca.has_data and cb.has_data)
            a_below.append(ca.n_below)
            b_below.append(cb.n_below)
            cmp.loc[cmp.index[i], "a_n"] = ca.n if ca.shown else pd.NA
            cmp.loc[cmp.index[i], "b_n"] = cb.n if cb.shown else pd.NA
            if hide:
                for c in ("a_estimate", "b_estimate", "difference", "ci_low", "ci_high", "statistic", "p_value"):
                    cmp.loc[cmp.index[i], c] = np.nan
                cmp.loc[cmp.index[i], "suppressed"] = True
        p = cmp["p_value"].to_numpy(dtype=float)
        ok = ~np.isnan(p) & ~cmp["suppressed"].to_numpy(dtype=bool)
        p_holm = np.full(len(p), np.nan)
        if ok.any():
            p_holm[ok] = holm(p[ok])
        cmp["p_holm"] = p_holm
        cmp["a_n"] = cmp["a_n"].astype("Int64")
        cmp["b_n"] = cmp["b_n"].astype("Int64")
        cmp["suppressed"] = cmp["suppressed"].astype(bool)
        cmp["a_n_below"] = pd.array(a_below, dtype="Int64")
        cmp["b_n_below"] = pd.array(b_below, dtype="Int64")
        return cmp

    def compare_institution(self, gi: str, *, items: Sequence[str] | None = None) -> pd.DataFrame:
        """One institution against all other institutions together, within this selection's other filters.

        The selection's own institution filter is ignored (as on the
        Vergelijken page).  Columns of :func:`analysis.compare.compare_groups`
        plus ``a_n_below`` and ``b_n_below``; a row is suppressed unless both
        sides are shown cells of the protected table, and Holm runs over the
        shown rows only.
        """

        gi = str(gi)
        base = list(self.key)
        base[1] = ALL
        a_view = tuple(base[:1] + [gi] + base[2:]) if gi in self.data.gis else None
        others = [g for g in self.data.gis if g != gi]
        if len(others) == 1:
            rest = others[0]
        else:
            rest = f"-{gi}"
        b_view = tuple(base[:1] + [rest] + base[2:]) if a_view is not None and others else None
        view = self.data.view({**self.filters, "gi": None})
        frame = institution_vs_rest(view.sub, gi=gi) if len(view.sub) else view.sub
        cmp = compare_groups(frame, by="gi", a=gi, b=REST, items=items, min_cell=contract.UNPROTECTED)
        return self._protect_compare(cmp, a_view, b_view)

    def compare_rounds(self, a: str, b: str, *, items: Sequence[str] | None = None) -> pd.DataFrame:
        """Round ``a`` against round ``b`` within this selection's other filters (round filter ignored)."""

        base = list(self.key)
        base[0] = ALL
        a_view = tuple([str(a)] + base[1:]) if str(a) in self.data.rounds else None
        b_view = tuple([str(b)] + base[1:]) if str(b) in self.data.rounds else None
        view = self.data.view({**self.filters, "round_id": None})
        cmp = compare_groups(view.sub, by="round_id", a=str(a), b=str(b), items=items, min_cell=contract.UNPROTECTED)
        return self._protect_compare(cmp, a_view, b_view)

    # ------------------------------------------------------------------ relations

    def _crosstab_family(self, row: str, col: str) -> str:
        a, b = sorted((row, col))
        return f"crosstab:{a}:{b}"

    def _crosstab_source(self, row: str, col: str) -> tuple[str, tuple[str, ...]]:
        """The family a cross table reads its counts from, and the columns that are coordinates of it.

        * A filter dimension (or a group the question's family has:
          ``had_gap`` for ``say_in_plan`` and the quality items) by a
          question: ``item:<question>``, coordinate the dimension.  Line
          ``a`` is the distribution of the question in the view with that
          value, shown iff the question's family shows that cell (the same
          numbers as the distribution figures, H3 of the disclosure review).
        * Two filter dimensions, or a filter dimension by ``n_workers`` or
          ``had_gap``: ``respondents`` (group sizes), both coordinates.
        * Otherwise (two questions, or a group by a question whose family does
          not have that group): ``crosstab:<a>:<b>``, a family of its own.
        """
        items = [c for c in (row, col) if c in ITEMS]
        if len(items) == 1:
            item = items[0]
            other = col if item == row else row
            if other in DIMS or other in _ITEM_GROUPS.get(item, ()):
                return f"item:{item}", (other,)
        if not items and any(c in DIMS for c in (row, col)):
            return "respondents", (row, col)
        return self._crosstab_family(row, col), ()

    def _source_cell(self, fam: str, coords: dict[str, str]) -> CellInfo:
        """A cell of ``fam`` at this view with some coordinates set (ALL: the margin; an answered margin if any)."""
        cube = self.data.family(fam)
        fixed, groups = {}, {}
        for var, val in coords.items():
            if val == ALL:
                val = "+" if "+" in _labels_of(cube, var) else ALL
                if var in DIMS and self.filters[var] is not None:
                    continue  # the view already fixes this dimension
            (fixed if var in DIMS else groups)[var] = val
        return self.cell(fam, view=self._vkey(**fixed), **groups)

    def crosstab(self, row: str, col: str) -> pd.DataFrame:
        """Cross table of two questions in long form, read from the protected table.

        Columns ``row, col, n, pct_row, suppressed, n_below, expected,
        low_expected``: ``n`` is null for a hidden cell (``n_below`` =
        ``min_cell`` when it is small), ``pct_row`` is shown only for shown
        cells of rows whose total is shown, ``expected`` is the count
        expected under independence (from shown margins; null otherwise) and
        ``low_expected`` is true when it is below 5 (then a chi-square test
        is not reliable; :meth:`association` says so too).

        Which family the counts come from: :meth:`_crosstab_source`.  A table
        of a filter dimension by a question shows a line (a value of the
        dimension) whole or not at all, as the distribution figure of that
        view does; its margin over the dimension is the distribution of this
        view (respondents with an empty dimension value included).
        """

        if row == col:
            raise ValueError("row and col must be different columns")
        rcats = rel_categories(self.data.df, row)[1]
        ccats = rel_categories(self.data.df, col)[1]
        fam, coords = self._crosstab_source(row, col)
        if len(coords) == 1:  # lines of a question's family: counts of this view's respondents
            dim = coords[0]
            item = col if dim == row else row
            ldim = stats.category_labels(self.sub, dim)
            litem = stats.category_labels(self.sub, item)
            plus = "+" in _labels_of(self.data.family(fam), dim) and self.filters.get(dim) is None
            line: dict[str, CellInfo] = {}

            def get(a: str, b: str) -> CellInfo:
                dv, cat = (a, b) if dim == row else (b, a)
                if dv not in line:
                    line[dv] = self._source_cell(fam, {dim: dv})
                info = line[dv]
                if not info.has_data or cat == ALL:
                    return info  # hidden, empty, or the family's cell itself (a line total)
                if dv != ALL:
                    keep = ldim == dv
                else:  # the margin over the dimension: the family's cell of this view
                    keep = np.array([v is not None for v in ldim]) if plus else np.ones(len(ldim), dtype=bool)
                n = int((keep & (litem == cat)).sum())
                return CellInfo(n, SHOWN, self.min_cell, n)

        elif len(coords) == 2:  # group sizes: as the distribution figures, a cell only within shown margins
            cells: dict[tuple[str, str], CellInfo] = {}

            def raw(a: str, b: str) -> CellInfo:
                if (a, b) not in cells:
                    cells[(a, b)] = self._source_cell(fam, {row: a, col: b})
                return cells[(a, b)]

            def get(a: str, b: str) -> CellInfo:
                c = raw(a, b)
                margins = [raw(a, ALL)] if a != ALL else []
                margins += [raw(ALL, b)] if b != ALL else []
                if c.has_data and not all(m.shown for m in margins):
                    return CellInfo(None, PROTECTS, self.min_cell, c.true_n)
                return c

        else:

            def get(a: str, b: str) -> CellInfo:
                return self._ct_cell(fam, row, col, a, b)

        recs = []
        rtot = {a: get(a, ALL) for a in rcats}
        ctot = {b: get(ALL, b) for b in ccats}
        total = get(ALL, ALL)
        for a in rcats:
            for b in ccats:
                c = get(a, b)
                r = rtot[a]
                pct = 100.0 * c.n / r.n if c.shown and r.shown and r.n else math.nan
                exp = math.nan
                if r.shown and ctot[b].shown and total.shown and total.n:
                    exp = r.n * ctot[b].n / total.n
                recs.append((a, b, c.n, pct, not c.shown, c.n_below, exp))
        out = pd.DataFrame(recs, columns=["row", "col", "n", "pct_row", "suppressed", "n_below", "expected"])
        out["row"] = out["row"].astype("string")
        out["col"] = out["col"].astype("string")
        out["n"] = out["n"].astype("Int64")
        out["pct_row"] = out["pct_row"].astype("float64")
        out["suppressed"] = out["suppressed"].astype(bool)
        out["n_below"] = out["n_below"].astype("Int64")
        out["expected"] = out["expected"].astype("float64")
        out["low_expected"] = (out["expected"] < 5).fillna(False).astype(bool)
        return out

    def _ct_cell(self, fam: str, row: str, col: str, a: str, b: str) -> CellInfo:
        fixed = {}
        groups = {}
        for var, val in ((row, a), (col, b)):
            if var in DIMS:
                if val != ALL:
                    fixed[var] = val
            else:
                groups[var] = val
        return self.cell(fam, view=self._vkey(**fixed), **groups)

    def _grade_cell(self, group: str, value: str, *, view: Any = "self") -> CellInfo:
        """The grade cell of one group of ``group`` in this selection (or at another view key)."""
        if group in DIMS:
            return self.cell("grade", view=self._vkey(**{group: value}))
        if group == "n_workers":
            return self.cell("grade", view=view, **{group: value})
        return self.cell(f"grade:{group}", view=view, **{group: value})

    def shown_groups(self, group: str) -> list[str]:
        """The groups of ``group`` whose grade statistics this selection shows."""
        return [c for c in _categories(self.data.df, group) if self._grade_cell(group, c).has_data]

    def grade_summary(self, group: str) -> pd.DataFrame:
        """Mean, interval and quartiles of the grade per group (box plot), shown groups only.

        Columns of :func:`analysis.views.grade_summary_by_group` plus
        ``n_below``; a hidden group has every value null.
        """

        out = grade_summary_by_group(self.sub, group=group, min_cell=contract.UNPROTECTED)
        infos = [self._grade_cell(group, g) for g in out["group"].astype(str)]
        hide = np.array([not i.has_data for i in infos])
        for c in ("mean", "ci_low", "ci_high", "q1", "median", "q3"):
            out[c] = out[c].mask(hide, np.nan)
        out["n"] = pd.array([i.n for i in infos], dtype="Int64")
        out["suppressed"] = out["suppressed"].to_numpy() | hide
        out["n_below"] = pd.array([i.n_below for i in infos], dtype="Int64")
        return out

    def association(self, x: str, y: str) -> pd.DataFrame:
        """Association measures over the shown data only.

        Grade by a group: the tests run over the respondents of the shown
        groups (:meth:`shown_groups`).  Two coded questions: over the part of
        the protected cross table whose every cell is shown (rows and columns
        with a hidden cell are left out, the one with most hidden cells
        first).  Columns of :func:`analysis.relations.association` plus
        ``low_expected`` (chi-square rows: an expected count below 5).
        """

        kx, ky = variable_kind(x), variable_kind(y)
        if x == y:
            raise ValueError("x and y must be different columns")
        if "interval" in (kx, ky):
            group = x if ky == "interval" else y
            shown = self.shown_groups(group)
            sub = self.sub[np.isin(stats.category_labels(self.sub, group), shown)] if shown else self.sub.iloc[:0]
            out = association(sub.reset_index(drop=True), x=x, y=y, min_cell=self.min_cell)
            out["low_expected"] = False
            if len(shown) < 2:
                for c in ("estimate", "statistic", "p_value"):
                    out[c] = np.nan
                out["suppressed"] = True
            return out
        ct = self.crosstab(x, y)
        rows = list(dict.fromkeys(ct["row"].astype(str)))
        cols = list(dict.fromkeys(ct["col"].astype(str)))
        hidden = {(r, c) for r, c, s, n in zip(ct["row"], ct["col"], ct["suppressed"], ct["n"]) if s}
        while True:
            bad = [(r, c) for (r, c) in hidden if r in rows and c in cols]
            if not bad:
                break
            rc = {r: sum(1 for b in bad if b[0] == r) for r in rows}
            cc = {c: sum(1 for b in bad if b[1] == c) for c in cols}
            r_worst = max(rows, key=lambda r: (rc[r], -rows.index(r)))
            c_worst = max(cols, key=lambda c: (cc[c], -cols.index(c)))
            if rc[r_worst] >= cc[c_worst]:
                rows.remove(r_worst)
            else:
                cols.remove(c_worst)
        lx = stats.category_labels(self.sub, x)
        ly = stats.category_labels(self.sub, y)
        keep = np.isin(lx, rows) & np.isin(ly, cols)
        sub = self.sub.loc[keep].reset_index(drop=True)
        out = association(sub, x=x, y=y, min_cell=self.min_cell)
        part = ct[ct["row"].isin(rows) & ct["col"].isin(cols)]
        low = False
        if len(part):
            t = part.pivot(index="row", columns="col", values="n").astype(float)
            t = t.loc[t.sum(axis=1) > 0, t.sum(axis=0) > 0]
            if t.size and t.to_numpy().sum() > 0:
                e = np.outer(t.sum(axis=1), t.sum(axis=0)) / t.to_numpy().sum()
                low = bool((e < 5).any())
        out["low_expected"] = out["measure"].astype(str).eq("cramers_v") & low
        if len(rows) < 2 or len(cols) < 2:
            for c in ("estimate", "statistic", "p_value"):
                out[c] = np.nan
            out["suppressed"] = True
        return out

    def model_data(self, predictors: Sequence[str]) -> pd.DataFrame:
        """The respondents a grade model may use: those in shown grade groups of every predictor."""
        keep = np.ones(len(self.sub), dtype=bool)
        for p in predictors:
            shown = self.shown_groups(p)
            keep &= np.isin(stats.category_labels(self.sub, p), shown)
        if not self.cell("grade").has_data:
            keep[:] = False
        return self.sub.loc[keep].reset_index(drop=True)

    def _people_cross_shown(self, predictors: Sequence[str], n_workers_as: str) -> bool:
        """True when every cross cell of the model's predictors that group people is a shown grade cell.

        With residuals that add up to zero in every group, the coefficients of
        two grouping predictors and the shown group sums give each cross count
        (sixth outsider, December 2026: n(JBW, jeugdigen) = (1649 - 335 x
        (4.623 + 0.144)) / 0.725).  A cross cell of 1 to 9 is refused by the
        library (``cross_min_cell``); this refuses a cross cell the table hides
        to protect another one.  People predictors: the filters (:data:`DIMS`)
        and the group questions (``n_workers`` only when it is groups).  Answer
        predictors are not checked here (answer groups: docs/disclosure.md).
        """
        people = [
            p for p in predictors if p in DIMS or p == "had_gap" or (p == "n_workers" and n_workers_as != "numeric")
        ]
        if len(people) < 2:
            return True
        rows = self.model_data(predictors)
        labels = pd.DataFrame({p: stats.category_labels(rows, p) for p in people})
        labels = labels[labels.notna().all(axis=1) & rows["grade"].notna().to_numpy()]
        dims = [p for p in people if p in DIMS]
        groups = [p for p in people if p not in DIMS]
        for combo in labels.astype(str).drop_duplicates().itertuples(index=False):
            value = dict(zip(people, combo))
            key = self._vkey(**{d: value[d] for d in dims})
            if key is None:
                return False
            if not groups:
                infos = [self.cell("grade", view=key)]
            elif len(groups) == 1:
                infos = [self._grade_cell(groups[0], value[groups[0]], view=key)]
            else:  # both group questions: the respondents family crosses them
                infos = [self.cell("respondents", view=key, **{g: value[g] for g in groups})]
                infos += [self._grade_cell(g, value[g], view=key) for g in groups]
            if not all(i.has_data for i in infos):
                return False
        return True

    def grade_model(
        self,
        *,
        predictors: Sequence[str],
        kind: str = "ols",
        weights: str | None = None,
        n_workers_as: str = "numeric",
        link: str = "logit",
        confidence: float = 0.95,
    ):
        """The grade model a reader sees (Verbanden): :func:`analysis.models.grade_model` over :meth:`model_data`.

        Issue 9 M2: the model's respondents are a union of cells of the cross
        classification of its predictors, which no family publishes.

        * :func:`analysis.models.model_frame` refuses a model whose coded
          predictors cross into a cell of 1 to ``min_cell - 1`` respondents.
        * ``fit`` (:data:`analysis.models.FIT_COLUMNS`) holds only
          :data:`READER_FIT`: row ``n`` when the model's n equals the shown
          grade cell of this selection (nothing was left out, no weights),
          else row ``n_at_least`` with ``max(min_cell, 10 * k)`` (the size
          rule every model meets, so it tells nothing); ``k``; ``r2`` (OLS)
          or ``mcfadden_r2`` (ordinal).  AIC, log-likelihood and deviance
          (with R^2 or the null model they give n) and the adjusted R^2 (with
          R^2 and k it gives n) are left out.
        * ``coefficients`` (columns as in the library) are rounded to
          :data:`READER_DECIMALS`, the decimals the page shows, in the table
          and the download alike: at full precision ``(ci_high - estimate) /
          se`` is the t quantile of ``n - k`` degrees of freedom, so n again.

        Returns
        -------
        analysis.models.GradeModel
        """
        from . import models  # statsmodels (+1-2 s): only the model builder needs it

        predictors = [predictors] if isinstance(predictors, str) else list(predictors)
        m = models.grade_model(
            self.model_data(predictors),
            kind=kind,
            predictors=predictors,
            weights=weights,
            n_workers_as=n_workers_as,
            min_cell=self.min_cell,
            link=link,
            confidence=confidence,
            cross_min_cell=self.min_cell,
        )
        if not self._people_cross_shown(predictors, n_workers_as):  # after the library's own refusals
            raise models.ModelRefused("modelsafe.model.hidden_cross_cell")
        fit = m.fit.set_index("statistic")["value"]
        n, k = int(fit["n"]), int(fit["k"])
        grade = self.cell("grade")
        if weights is None and grade.n is not None and grade.n == n:
            rows = [("n", float(n))]
        else:
            rows = [("n_at_least", float(max(self.min_cell, models.OBS_PER_PARAMETER * k)))]
        rows.append(("k", float(k)))
        rows += [(s, float(fit[s])) for s in READER_FIT[2:] if s in fit.index]
        reader_fit = pd.DataFrame(
            {
                "statistic": pd.Series([r[0] for r in rows], dtype="string"),
                "value": np.array([round(r[1], READER_DECIMALS) for r in rows], dtype=float),
            }
        )
        coefs = m.coefficients.copy()
        num = [c for c in coefs.columns if pd.api.types.is_float_dtype(coefs[c])]
        coefs[num] = coefs[num].round(READER_DECIMALS)
        return models.GradeModel(m.kind, coefs, reader_fit)

    def ols_grade(self, *, predictors: Sequence[str], **kw) -> pd.DataFrame:
        """The coefficients of :meth:`grade_model` with ``kind="ols"``."""
        return self.grade_model(predictors=predictors, kind="ols", **kw).coefficients

    def ordinal_grade(self, *, predictors: Sequence[str], **kw) -> pd.DataFrame:
        """The coefficients of :meth:`grade_model` with ``kind="ordinal"``."""
        return self.grade_model(predictors=predictors, kind="ordinal", **kw).coefficients

    # ------------------------------------------------------------------ comments

    def comments_allowed(self) -> bool:
        """True when this selection is a union of whole comment blocks and is itself shown."""
        if not self.known or not self.respondents.has_data:
            return False
        blocks = self.data.comment_blocks()
        inside = np.ones(len(blocks), dtype=bool)
        for d, v in zip(DIMS, self.key):
            if v != ALL:
                inside &= blocks[d].to_numpy() == v
        b = blocks["block"].to_numpy()
        straddling = set(b[inside]) & set(b[~inside])
        return not straddling

    def comments(
        self,
        *,
        search: str | None = None,
        role: str | None = None,
        columns: Sequence[str] = contract.COMMENT_COLUMNS,
        lang: str = "nl",
    ) -> CommentsResult:
        """The comments a reader may see in this selection, or why none: the one comments rule (issue 9 (d)).

        * Shown only when the selection is itself shown and is a union of
          whole comment blocks (:meth:`comments_allowed`,
          :meth:`ProtectedData.comment_blocks`: every part has at least
          ``min_cell`` respondents).
        * ``search``: literal, case-insensitive, on the scrubbed text; when
          fewer than ``min_cell`` respondents match, nothing is shown.
        * Other answers (institution, grade) are next to a comment only for
          ``role`` ``"inspecteur"``; otherwise the table has the question and
          the comment only, sorted by text (:func:`analysis.comments.comment_table`).

        Used by the Opmerkingen page, :func:`visible_comments` and the
        disclosure auditor.  ``n_respondents`` is the protected table's.
        """

        comment_rule.check_columns(columns)
        with_answers = role in ANSWER_ROLES
        resp = self.respondents
        n = int(resp.n) if resp.has_data else 0
        sub = self.sub.sort_values("response_id", kind="stable").reset_index(drop=True)
        table, matched = comment_rule.comment_table(sub.iloc[:0], columns=columns, with_answers=with_answers, lang=lang)

        def result(status: str) -> CommentsResult:
            return CommentsResult(table.iloc[:0], status, n, 0, self.min_cell, with_answers)

        if not self.known or not resp.has_data:
            return result(comment_rule.SELECTION_HIDDEN)
        if not self.comments_allowed():
            return result(comment_rule.SHARES_SMALL_GROUP)
        table, matched = comment_rule.comment_table(
            sub, columns=columns, search=search, with_answers=with_answers, lang=lang
        )
        if search and matched < self.min_cell:
            return result(comment_rule.SEARCH_TOO_FEW)
        return CommentsResult(table, comment_rule.SHOWN, n, len(table), self.min_cell, with_answers)


def visible_comments(
    df: pd.DataFrame,
    *,
    filters: Mapping[str, Any] | None = None,
    min_cell: int = contract.DEFAULT_MIN_CELL,
    search: str | None = None,
    role: str | None = None,
    columns: Sequence[str] = contract.COMMENT_COLUMNS,
    lang: str = "nl",
) -> CommentsResult:
    """The comments a reader may see: :meth:`ProtectedView.comments` on the full data set ``df``."""
    return protect(df, min_cell=min_cell).view(filters).comments(search=search, role=role, columns=columns, lang=lang)
