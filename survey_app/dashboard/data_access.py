"""The one way dashboards get response data: scope first, then filters.

``load_data(storage, scope, filters)`` loads the responses a user may see
(:class:`Scope`: which institutions and rounds, built from the signed-in
person's role by :func:`scope_for`) and then applies the dashboard filters
with :func:`analysis.filters.filter_responses`.

Every number a dashboard shows comes from the one protected table of the data
(:func:`protected_data`, :mod:`analysis.protection`, issue 9): it is decided
once on **all** responses, whatever the reader's scope, and
:func:`protected_view` selects the reader's view from it (scope first, then
the filters).  No page computes its own suppression.

A filter can only narrow the scope: a filter value outside the scope selects
nobody, it never widens what is loaded.  There is no default scope: callers
pass the one :func:`scope_for` built (``Scope()`` is "everything", so it is
never a fallback; :func:`scope_for` of an unknown role is "nothing").

A scope with ``pool_others`` (role ``gi``) sees its own institution's rows,
and, only through ``load_data(..., with_rest=True)``, the rows of every other
institution relabelled as one group ``"rest"`` ("alle andere GI's samen",
:func:`analysis.compare.institution_vs_rest`) with their free text removed.

This module has no streamlit import, so it is tested directly; the bounded
cache (``st.cache_data(ttl=..., max_entries=...)``) lives in
:mod:`survey_app.dashboard.context`.
"""

from __future__ import annotations

import datetime as _dt
import logging
import math
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from analysis import contract, i18n
from analysis.filters import filter_responses, normalize_filter_value
from analysis.frame import empty_frame

_log = logging.getLogger(__name__)


def _as_tuple(values: Iterable[str] | str | None, what: str) -> tuple[str, ...] | None:
    if values is None:
        return None
    if isinstance(values, str):
        values = (values,)
    out = tuple(dict.fromkeys(str(v).strip() for v in values))
    if any(not v for v in out):
        raise ValueError(f"scope {what}: empty value")
    return out


@dataclass(frozen=True)
class Scope:
    """What a user may see: institutions and rounds (``None`` = all).

    An empty tuple means "nothing" (for example a user without any
    institution), never "all".  ``pool_others``: the institutions outside
    ``gis`` may be seen only pooled together ("alle andere GI's samen", via
    ``load_data(..., with_rest=True)``).  ``microdata``: row-level data may be
    downloaded (the responses export).
    """

    gis: tuple[str, ...] | None = None
    round_ids: tuple[str, ...] | None = None
    pool_others: bool = False
    microdata: bool = False

    def __post_init__(self):
        object.__setattr__(self, "gis", _as_tuple(self.gis, "gis"))
        object.__setattr__(self, "round_ids", _as_tuple(self.round_ids, "round_ids"))
        object.__setattr__(self, "pool_others", bool(self.pool_others) and self.gis is not None)
        object.__setattr__(self, "microdata", bool(self.microdata))

    @property
    def is_everything(self) -> bool:
        return self.gis is None and self.round_ids is None

    @property
    def is_nothing(self) -> bool:
        return (self.gis is not None and not self.gis) or (self.round_ids is not None and not self.round_ids)

    @classmethod
    def nothing(cls) -> Scope:
        """The scope of an anonymous visitor: no rows at all."""
        return cls(gis=(), round_ids=())


#: Roles whose scope is every institution and round, and whether they may
#: download row-level data (see survey_app.auth.roles for pages and actions).
_ALL_INSTITUTIONS = {"beheerder": True, "inspecteur": True, "onderzoeker": False}


def scope_for(role: str | None, gi: str | None = None) -> Scope:
    """The data scope of a role: the only place roles turn into data.

    ``beheerder``/``inspecteur``: everything, with microdata; ``onderzoeker``:
    every institution, aggregates only; ``gi``: its own institution ``gi``,
    the others only pooled, aggregates only.  Anything else (no role, a
    ``gi`` account without an institution, an unknown role) sees nothing.
    """
    if role in _ALL_INSTITUTIONS:
        return Scope(microdata=_ALL_INSTITUTIONS[role])
    if role == "gi" and gi:
        return Scope(gis=(gi,), pool_others=True)
    return Scope.nothing()


def normalize_filters(filters: Mapping[str, Any] | None) -> dict[str, tuple[str, ...] | None]:
    """Filters as ``{gi, respondent_type, round_id, measure_type}`` -> tuple of values or None.

    Accepts each value as None, one value or a list; an empty list means no
    filter (a multiselect with nothing chosen).  Unknown filter names and
    unknown codes raise :class:`ValueError`.  The result is hashable
    (usable as a cache key) and in contract order.
    """
    filters = dict(filters or {})
    unknown = sorted(set(filters) - set(contract.FILTER_COLUMNS))
    if unknown:
        raise ValueError(f"unknown filter(s) {unknown}; allowed: {', '.join(contract.FILTER_COLUMNS)}")
    out: dict[str, tuple[str, ...] | None] = {}
    for name in contract.FILTER_COLUMNS:
        v = filters.get(name)
        if v is not None and not isinstance(v, str) and len(tuple(v)) == 0:
            v = None
        out[name] = normalize_filter_value(name, v)
    return out


def filters_key(filters: Mapping[str, Any] | None) -> tuple:
    """A hashable, canonical form of ``filters`` (for caches)."""
    return tuple(normalize_filters(filters).items())


def _require_scope(scope) -> Scope:
    if not isinstance(scope, Scope):
        raise TypeError("a Scope is required (see scope_for); there is no default scope")
    return scope


def load_scope(storage, scope: Scope, *, with_rest: bool = False, rounds: Iterable[str] | None = None) -> pd.DataFrame:
    """Every response inside ``scope`` as the canonical frame (no filters).

    ``with_rest`` and ``scope.pool_others``: also the rows of every other
    institution (in the scope's rounds), with ``gi = "rest"`` and no free text.

    A scope without row data (:func:`reads_rows` False) gets only the rounds
    it may read (:func:`table_rounds`; ``rounds`` gives them when the caller
    knows them already, e.g. as part of a cache key), and of a released round
    only the responses of its table (:func:`protected_data`).
    """
    read = _scope_rounds(storage, scope, rounds)
    if read is None:
        return empty_frame()
    round_ids, released = read
    if not (with_rest and scope.pool_others):
        return storage.load_responses(round_ids=round_ids, gis=scope.gis, released=released)

    df = storage.load_responses(round_ids=round_ids, released=released)
    others = ~df["gi"].isin(list(scope.gis)).fillna(False)
    df.loc[others, "gi"] = contract.REST
    for c in contract.COMMENT_COLUMNS:
        df.loc[others, c] = pd.NA
    return df


def _scope_rounds(storage, scope: Scope, rounds: Iterable[str] | None) -> tuple[tuple | None, bool] | None:
    """(rounds to read, None = all; released only) of ``scope``, or None when it reads nothing (:func:`load_scope`)."""
    scope = _require_scope(scope)
    if scope.is_nothing:
        return None
    round_ids = scope.round_ids
    if not reads_rows(scope):
        readable = tuple(rounds) if rounds is not None else readable_round_ids(storage)
        round_ids = readable if round_ids is None else tuple(r for r in round_ids if r in set(readable))
        if not round_ids:
            return None
    return round_ids, not reads_rows(scope)  # of a released round: only the responses of its table at close


#: Columns of :func:`scope_counts`.
COUNT_COLUMNS = (*contract.FILTER_COLUMNS, "n")


def scope_counts(storage, scope: Scope, *, rounds: Iterable[str] | None = None) -> pd.DataFrame:
    """The respondents inside ``scope`` per round, institution, respondent type and measure type.

    The numbers of rows :func:`load_scope` gives (columns :data:`COUNT_COLUMNS`;
    an empty value is NA), read from the stored aggregate
    (:meth:`Storage.answer_counts`) instead of the rows: what a page needs to
    know whether its selection is empty, and the filter options.
    """
    from analysis import aggregate

    read = _scope_rounds(storage, scope, rounds)
    agg = aggregate.empty() if read is None else storage.answer_counts(round_ids=read[0], released=read[1])
    a, b = aggregate.PAIRS[0]  # every response counts once in each pair
    part = agg[(agg["column"] == a) & (agg["column_2"] == b)]
    if scope.gis is not None:
        part = part[part["gi"].isin(list(scope.gis))]
    dims = list(contract.FILTER_COLUMNS)
    out = part.groupby(dims, sort=True, as_index=False)["n"].sum() if len(part) else part[dims + ["n"]]
    out = out[list(COUNT_COLUMNS)].reset_index(drop=True)
    for c in dims:
        out[c] = out[c].astype(object).where(out[c] != aggregate.MISSING, None).astype("string")
    out["n"] = out["n"].astype("int64")
    return out


def selection_counts(
    storage, scope: Scope, filters: Mapping[str, Any] | None = None, *, rounds: Iterable[str] | None = None
) -> pd.DataFrame:
    """:func:`scope_counts` with the dashboard ``filters`` applied: the counts of :func:`load_data`'s rows."""
    return apply_filters(scope_counts(storage, scope, rounds=rounds), filters)


def apply_filters(df: pd.DataFrame, filters: Mapping[str, Any] | None) -> pd.DataFrame:
    """:func:`analysis.filters.filter_responses` with :func:`normalize_filters` semantics."""
    return filter_responses(df, **normalize_filters(filters))


def load_data(
    storage,
    scope: Scope,
    filters: Mapping[str, Any] | None = None,
    *,
    with_rest: bool = False,
    rounds: Iterable[str] | None = None,
) -> pd.DataFrame:
    """The responses in ``scope`` that match ``filters`` (canonical frame, fresh index).

    Parameters
    ----------
    storage : survey_app.storage.Storage
        Where the responses are.
    scope : Scope
        Institutions and rounds the user may see (:func:`scope_for`); required.
    filters : mapping, optional
        Dashboard filters ``gi``, ``respondent_type``, ``round_id``,
        ``measure_type`` (see :func:`normalize_filters`).
    with_rest : bool
        For a comparison with "all other GIs together": with a ``pool_others``
        scope, the other institutions' rows come along as one group ``rest``
        (see :func:`load_scope`); other scopes are unchanged.
    rounds : iterable of str, optional
        The rounds a scope without row data may read (see :func:`load_scope`).
    """
    return apply_filters(load_scope(storage, scope, with_rest=with_rest, rounds=rounds), filters)


def selection(scope: Scope, filters: Mapping[str, Any] | None = None) -> tuple[tuple | None, tuple | None]:
    """(institutions, rounds) a view shows: the scope narrowed by the filters (``None`` = every one)."""
    scope = _require_scope(scope)
    f = normalize_filters(filters)

    def narrow(allowed, chosen):
        if allowed is None:
            return chosen
        if chosen is None:
            return allowed
        return tuple(v for v in chosen if v in set(allowed))

    return narrow(scope.gis, f["gi"]), narrow(scope.round_ids, f["round_id"])


def report_hold(
    storage, scope: Scope, filters: Mapping[str, Any] | None = None, *, today: _dt.date | None = None
) -> pd.DataFrame:
    """Whose own figures this view must hold back (:func:`analysis.monitor.report_hold`).

    The view is ``scope`` narrowed by ``filters`` (:func:`selection`): a
    ``gi`` account's pages, a filter on one institution, or one institution
    against the rest hold back an institution that started late until its
    fieldwork closes; national views (no institution chosen, or every
    institution that counts nationally) show it.  Empty: show the figures.
    Used by every dashboard page (:mod:`survey_app.dashboard.context`) and
    the command line.
    """
    from analysis.monitor import report_hold as decide

    gis, round_ids = selection(scope, filters)
    return decide(storage.fieldwork_windows(), gis=gis, round_ids=round_ids, today=today or _dt.date.today())


@dataclass(frozen=True)
class FilterOptions:
    """The values the filter widgets offer (only values inside the scope)."""

    round_ids: tuple[str, ...]
    gis: tuple[str, ...]
    respondent_types: tuple[str, ...] = contract.RESPONDENT_TYPES
    measure_types: tuple[str, ...] = contract.CODES["measure_type"]
    #: (round_id, name) pairs: rounds are shown by name (issue 11)
    round_names: tuple[tuple[str, str], ...] = ()

    def round_label(self, round_id: str) -> str:
        """The round's name (its id when it has none, e.g. a round that only occurs in imported data)."""
        return dict(self.round_names).get(round_id, round_id)


def filter_options(storage, scope: Scope) -> FilterOptions:
    """Rounds and institutions a user can pick: the rounds known to storage and
    the institutions in the data and in those rounds, both limited to ``scope``.

    Rounds follow :meth:`Storage.list_rounds` (newest first), then rounds that
    only occur in the data; institutions follow ``contract.GI_CODES``, then
    other codes sorted.
    """
    df = scope_counts(storage, _require_scope(scope))  # rounds and institutions with data, from the aggregate
    rounds = [r.id for r in storage.list_rounds()]
    rounds += sorted(set(df["round_id"].dropna().astype(str)) - set(rounds))
    gis = set(df["gi"].dropna().astype(str))
    for r in storage.list_rounds():
        if scope.round_ids is None or r.id in scope.round_ids:
            gis |= set(r.gis)
    if scope.round_ids is not None:
        rounds = [r for r in rounds if r in scope.round_ids]
    if scope.gis is not None:
        gis &= set(scope.gis)
        # only rounds the scope's institutions take part in (or have data in)
        mine = {r.id for r in storage.list_rounds() if set(r.gis) & set(scope.gis)}
        mine |= set(df["round_id"].dropna().astype(str))
        rounds = [r for r in rounds if r in mine]
    ordered = [g for g in contract.GI_CODES if g in gis] + sorted(gis - set(contract.GI_CODES))
    names = tuple((r.id, r.name) for r in storage.list_rounds() if r.id in set(rounds))
    return FilterOptions(round_ids=tuple(rounds), gis=tuple(ordered), round_names=names)


# --------------------------------------------------------------------------- the protected table


#: The minimum cell size of the dashboards and their downloads: the contract's default.
#: There is no server setting and no widget for it: the protected table is built once
#: per data set at this one value (issue 9 H1; docs/disclosure.md "One threshold").
MIN_CELL = contract.check_min_cell(contract.DEFAULT_MIN_CELL)


def reads_rows(scope: Scope) -> bool:
    """The scope may download row-level data (``beheerder``, ``inspecteur``: the responses export).

    Such a reader sees the live table (every response, open rounds too); every
    other reader sees only rounds whose fieldwork has closed (:func:`table_rounds`).
    """
    return _require_scope(scope).microdata


#: Rounds readable whatever their dates: the synthetic demo round (its data are generated,
#: and the demo would otherwise show nothing to roles without row data).
ALWAYS_READABLE = (contract.DEMO_ROUND_ID,)


def closed_round_ids(storage, *, today: _dt.date | None = None) -> tuple[str, ...]:
    """Rounds whose fieldwork has closed for every institution (:func:`analysis.monitor.readable_rounds`)."""
    from analysis.monitor import readable_rounds

    return readable_rounds(storage.fieldwork_windows(), today=today or _dt.date.today())


def readable_round_ids(storage, *, today: _dt.date | None = None) -> tuple[str, ...]:
    """The rounds whose figures a reader without row data may see: the closed ones and the demo round."""
    from analysis.monitor import readable_rounds

    return readable_rounds(storage.fieldwork_windows(), today=today or _dt.date.today(), always=ALWAYS_READABLE)


def table_rounds(storage, scope: Scope, *, today: _dt.date | None = None) -> tuple[str, ...] | None:
    """Which protected table ``scope`` reads: None for the live one (:func:`reads_rows`), else its readable rounds.

    This is part of every cache key of the table and of the data: when a
    round closes (or reopens) the key changes.
    """
    return None if reads_rows(scope) else readable_round_ids(storage, today=today)


def protected_data(storage, *, rounds: Iterable[str] | None = None):
    """The one protected table (:class:`analysis.protection.ProtectedData`) a reader selects from.

    ``rounds`` None: the *live* table of every response in storage, for the
    readers with row data (:func:`reads_rows`; they can count the rows
    themselves).  Otherwise (:func:`table_rounds`): the table of the
    responses of those rounds only -- rounds whose fieldwork has closed for
    every institution -- built with every cell hidden when a round was
    first released kept hidden (``previous``: :meth:`Storage.frozen_cells`,
    sticky suppression after a reopen or an import).  On the first build
    after a round closed, its hidden cells are kept (:meth:`Storage.freeze_cells`).

    Either table is built on all responses of its rounds (not on a scope)
    and at the one minimum cell size :data:`MIN_CELL`: a reader with a
    smaller scope selects from the same decisions as everyone else.  The two
    tables differ, but only a reader with row data sees the live one, and
    rows tell everything anyway.  Callers cache it (key: the data set and
    ``rounds``).

    Each round is a table of its own (``pool_rounds=False``: with several
    rounds, the cells of all rounds together are hidden): a figure of rounds
    A and B together next to one of A alone, published before B closed,
    would give B's part of a cell B's table hides.

    Of a released round only the responses of its table at close are read
    (``released=True``; its members are kept with its hidden cells): an
    import after close or an answer after a reopen reaches readers with row
    data only (:meth:`Storage.held_back` counts them).

    Both tables are built from the stored aggregate of the rounds
    (:meth:`Storage.answer_counts`, issue 10): the figures and key numbers
    read no row; rows are read the first time an output needs them (cross
    tables, models, comments).  Only the build that releases a round reads
    its rows, whose response ids become the round's members.
    """
    from analysis import aggregate
    from analysis.protection import protect  # lazy: SciPy stays out of the app's start (docs/architecture.md)

    if rounds is None:
        return protect(
            aggregate=storage.answer_counts(),
            rows=storage.load_responses,
            rows_key=(_url(storage), None),
            min_cell=MIN_CELL,
        )
    rounds = tuple(rounds)
    counts = storage.answer_counts(round_ids=rounds, released=True)
    present = set(aggregate.labels(counts, "round_id"))
    frozen = set(storage.frozen_round_ids())
    to_freeze = [r for r in closed_round_ids(storage) if r in set(rounds) & present and r not in frozen]
    keep = _keep_on_demand(storage)
    if not to_freeze:
        return protect(
            aggregate=counts,
            rows=lambda: storage.load_responses(round_ids=rounds, released=True) if rounds else empty_frame(),
            rows_key=(_url(storage), rounds),
            min_cell=MIN_CELL,
            previous=storage.frozen_cells(),
            on_build=keep,
            pool_rounds=False,
        )
    # a round is released now: its members are the responses this table is built on (rows, once per round)
    df = storage.load_responses(round_ids=rounds, released=True)
    data = protect(df, min_cell=MIN_CELL, previous=storage.frozen_cells(), on_build=keep, pool_rounds=False)
    table = data.table(data.figure_families())
    ids = df.groupby(df["round_id"].astype(str))["response_id"]
    won = [storage.freeze_cells(r, table, response_ids=ids.get_group(r).astype(str)) for r in to_freeze]
    if not all(won):  # another server froze a round first: read what it kept
        return protected_data(storage, rounds=rounds)
    return data


def warm_tables(storage) -> list:
    """Build the protected tables readers will ask for first: the live one and the readers' one.

    The staff server calls it before it opens its port (:func:`survey_app.web.launcher.run_app`):
    a table's figure families take about ten seconds to build from the stored
    aggregate, whatever the number of responses, and the first reader after a
    start would wait for them.  The tables land in :func:`analysis.protection.protect`'s
    cache (key: the aggregate's contents and the database), where the pages'
    first :func:`protected_data` finds them.  The readers' table is built as a
    reader's first view would build it (a round whose fieldwork closed is released).
    Returns the tables.
    """
    from analysis.report import is_synthetic

    out = []
    for rounds in (None, readable_round_ids(storage)):
        frozen = storage.frozen_round_ids()
        data = live_table(storage, max_age=math.inf) if rounds is None else protected_data(storage, rounds=rounds)
        if rounds is not None and storage.frozen_round_ids() != frozen:
            data = protected_data(storage, rounds=rounds)  # released now: later reads are of the kept counts
        data.table(data.figure_families())
        # and Overzicht's first view of everything, in the default language, as its first reader sees it
        everything = scope_counts(storage, Scope(microdata=rounds is None), rounds=rounds)
        figure_charts(data.view({}), lang=i18n.DEFAULT_LANGUAGE, synthetic=is_synthetic(everything, {}))
        out.append(data)
    return out


#: The newest live table per database of this process: url -> (built at, table) (:func:`live_table`).
_LIVE: dict[str, tuple[float, Any]] = {}
#: url -> when its background rebuild started (one at a time; one older than LIVE_BUILD_TIMEOUT is given up)
_LIVE_BUILDING: dict[str, float] = {}
_LIVE_LOCK = threading.Lock()
#: url -> the lock of a build a reader waits for (one build, however many readers ask at once)
_LIVE_BUILD_LOCKS: dict[str, threading.Lock] = {}
_LIVE_GENERATION = [0]  # counts forget_live_tables(): a build started before one is not kept
#: A kept live table older than this many times ``max_age`` is not shown: the reader waits for a new one
#: (after an idle night the first reader would otherwise see yesterday's table).
LIVE_HARD_AGE = 4
LIVE_BUILD_TIMEOUT = 600.0


def live_table(storage, *, max_age: float):
    """The live protected table (:func:`protected_data` with ``rounds=None``), about ``max_age``
    seconds behind the stored responses, built in a reader's page only when there is none fresh enough.

    The first call of a process builds it (the staff server does that before it
    opens its port: :func:`warm_tables`).  After that, a reader gets the newest
    table built; when it is older than ``max_age`` one rebuild starts in the
    background (one at a time per database) and replaces it when done.  During
    fieldwork every submission changes the aggregate, so a table keyed by it
    would be built again in the page of the first reader after each ``max_age``
    (about 10 s of figure families, issue 10).  Only readers with row data read
    the live table (:func:`reads_rows`): a table a minute or two behind tells
    them nothing new.  A table older than :data:`LIVE_HARD_AGE` times
    ``max_age`` (no reader for a while) is not shown: the reader's page builds
    a new one.  :func:`forget_live_tables` drops them (an import, a round
    closed: the next reader waits for the new one).  However many readers ask
    at once, one build runs; the others wait for it.
    """
    url = _url(storage)
    now = time.monotonic()
    with _LIVE_LOCK:
        kept = _shown_live(url, max_age)
        busy = url in _LIVE_BUILDING and now - _LIVE_BUILDING[url] < LIVE_BUILD_TIMEOUT
        refresh = kept is not None and now - kept[0] > max_age and not busy
        if refresh:
            _LIVE_BUILDING[url] = now
        build_lock = _LIVE_BUILD_LOCKS.setdefault(url, threading.Lock())
    if kept is None:
        with build_lock:  # one build; who waited here finds it kept
            with _LIVE_LOCK:
                kept = _shown_live(url, max_age)
            return _build_live(storage, url) if kept is None else kept[1]
    if refresh:
        threading.Thread(target=_refresh_live, args=(storage, url), name="live-table", daemon=True).start()
    return kept[1]


def _shown_live(url: str, max_age: float) -> tuple[float, Any] | None:
    """The kept live table of ``url`` when it may still be shown (under :data:`LIVE_HARD_AGE` x ``max_age``)."""
    kept = _LIVE.get(url)
    return kept if kept is not None and time.monotonic() - kept[0] <= LIVE_HARD_AGE * max_age else None


def _build_live(storage, url: str):
    started, generation = time.monotonic(), _LIVE_GENERATION[0]
    data = protected_data(storage)
    data.table(data.figure_families())
    with _LIVE_LOCK:
        kept = _LIVE.get(url)
        # not when the tables were forgotten meanwhile (built from before an import), nor over a newer one
        if generation == _LIVE_GENERATION[0] and (kept is None or kept[0] < started):
            _LIVE[url] = (started, data)
    return data


def _refresh_live(storage, url: str) -> None:
    try:
        _build_live(storage, url)
    except Exception:  # the next reader after max_age tries again; meanwhile the kept table is shown
        _log.exception("rebuilding the live protected table failed")
    finally:
        with _LIVE_LOCK:
            _LIVE_BUILDING.pop(url, None)


def forget_live_tables() -> None:
    """Drop the kept live tables of this process (the next reader builds a new one)."""
    with _LIVE_LOCK:
        _LIVE.clear()
        _LIVE_BUILDING.clear()
        _LIVE_GENERATION[0] += 1


def figure_charts(view, *, lang: str, synthetic: bool) -> list[tuple[Any, dict]]:
    """Every contract figure of ``view`` (a :class:`analysis.protection.ProtectedView`) with its chart
    as a Vega-Lite spec (:func:`analysis.charts.figure_chart`, :func:`analysis.charts.chart_spec`).

    Made once per protected table, selection, language and synthetic marker and
    shared by every session (:meth:`analysis.protection.ProtectedData.memo`):
    building and converting 13 charts costs about 0.6 s, the figures 0.05 s.
    """
    from analysis import charts

    def spec(fig) -> dict:
        return charts.chart_spec(charts.figure_chart(fig, lang=lang, synthetic=synthetic))

    # figures and charts in one entry: a chart kept with a table is made from that table's figures
    # (apart, a table that starts again between reading the figures and making a chart would keep a
    # chart of the old figures next to the new ones)
    return list(view.memo(("figure_charts", lang, synthetic), lambda: [(f, spec(f)) for f in view.figures()]))


def _url(storage) -> str:
    return getattr(storage, "url", repr(storage))


def _keep_on_demand(storage):
    """``on_build`` of a reader's table: keep the hidden cells of a family built on demand, per released round.

    The figure families are kept when a round is frozen; a family of
    Verbanden (``crosstab:*``, ``grade:*``) is kept the first time it is built
    for a released round, so that a later table (another round released, a
    new secondary choice) cannot show what it hid (:meth:`Storage.freeze_family`).
    """

    def keep(key: str, data) -> None:
        if key in data.figure_families():
            return
        present = set(data.rounds)
        rounds = [r for r in storage.frozen_round_ids() if r in present]
        if rounds:
            table = data.table([key])
            for round_id in rounds:
                storage.freeze_family(round_id, key, table)

    return keep


def view_filters(scope: Scope, filters: Mapping[str, Any] | None) -> dict[str, str | None] | None:
    """The filters of a protected view inside ``scope``: each one value or None (all).

    A scope limited to institutions or rounds fixes that filter to its one
    value when the reader chose none; a value outside the scope, or a scope of
    several institutions without a choice, gives None (nothing to show).
    Lists of several values are refused (:class:`ValueError`), as in
    :func:`analysis.protection.normalize_view_filters`.
    """
    from analysis.protection import normalize_view_filters  # lazy: as in protected_data

    scope = _require_scope(scope)
    if scope.is_nothing:
        return None
    out = normalize_view_filters({k: v for k, v in normalize_filters(filters).items() if v is not None})
    for name, allowed in (("gi", scope.gis), ("round_id", scope.round_ids)):
        if allowed is None:
            continue
        if out[name] is None:
            if len(allowed) != 1:
                return None
            out[name] = allowed[0]
        elif out[name] not in allowed:
            return None
    return out


def protected_view(data, scope: Scope, filters: Mapping[str, Any] | None):
    """The reader's :class:`analysis.protection.ProtectedView` of ``data`` (None: nothing to show)."""
    f = view_filters(scope, filters)
    return None if f is None else data.view(f)
