"""Shared context of the dashboards: the one place pages get data, filters and widgets from.

A dashboard page is thin::

    ctx = ud.page_setup("overzicht", "overview_title")
    ud.render_key_numbers(ctx)
    ud.render_figures(ctx)

:func:`page_setup` sets the wide layout, draws the sidebar (language toggle
and the filters round, institution, respondent type and measure type; the
minimum cell size is not a widget: one protected table per data set, issue 9
H1), loads the data through
:func:`survey_app.dashboard.data_access.load_data` (cached here, with bounds), writes
the title and the synthetic-data banner, and returns a :class:`Context`.

Everything shown is computed in :mod:`analysis` (figures, views, wording,
charts); this module only renders.  Texts are Dutch (B1) with English via
the language toggle: :func:`t` reads the ``dashboard.*`` texts of the one
catalog per language (:func:`analysis.i18n.text`, ``analysis/locales/<lang>.yaml``).  Widget keys are stable:
``dash_lang``, ``flt_<filter>``, ``<page>_<name>``.

Free text from respondents is only ever shown with ``st.dataframe`` (plain
text), never as markdown or HTML.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import streamlit as st

from analysis import contract, i18n, wording
from analysis.figures import FigureResult
from analysis.report import is_synthetic
from survey_app.auth import session
from survey_app.auth.roles import Access
from survey_app.respond import widgets as ui
from survey_app.web import navigation

from . import data_access
from .data_access import FilterOptions, Scope

LANG_KEY = navigation.LANG_KEY
#: The minimum cell size of every dashboard: the one protected table per data set is
#: built at it (:data:`survey_app.dashboard.data_access.MIN_CELL`; not a widget, issue 9 H1).
MIN_CELL = data_access.MIN_CELL
FILTER_KEYS = {"round_id": "flt_round", "gi": "flt_gi", "respondent_type": "flt_rtype", "measure_type": "flt_measure"}
ALL_FILTERS = tuple(FILTER_KEYS)
#: Cache bounds: data are reloaded at least every CACHE_TTL seconds (new
#: submissions show up), and at most CACHE_ENTRIES selections are kept.
CACHE_TTL = 120
CACHE_ENTRIES = 32

#: Catalog namespace of the dashboard texts; :func:`t` takes the part after it.
TEXT_NAMESPACE = "dashboard."


def lang() -> str:
    """The chosen dashboard language ("nl", "en", ...: a language of the catalog)."""
    v = st.session_state.get(LANG_KEY) or st.session_state.get("_" + LANG_KEY) or i18n.DEFAULT_LANGUAGE
    return v if v in wording.LANGS else i18n.DEFAULT_LANGUAGE


def t(key: str, lang_: str | None = None, **fmt: Any) -> str:
    """Text ``dashboard.<key>`` of the catalog in the chosen language (:func:`analysis.i18n.text`)."""
    return i18n.text(TEXT_NAMESPACE + key, lang_ or lang(), **fmt)


# --------------------------------------------------------------------------- cached data


_url = data_access._url  # the cache key of a data set: its database URL


@st.cache_data(ttl=CACHE_TTL, max_entries=CACHE_ENTRIES, show_spinner=False)
def _load(
    url: str, scope: Scope, filters_key: tuple, _storage, with_rest: bool = False, rounds: tuple | None = None
) -> pd.DataFrame:
    return data_access.load_data(_storage, scope, dict(filters_key), with_rest=with_rest, rounds=rounds)


@st.cache_data(ttl=CACHE_TTL, max_entries=CACHE_ENTRIES, show_spinner=False)
def _counts(url: str, scope: Scope, _storage, rounds: tuple | None = None) -> pd.DataFrame:
    # per scope, not per selection: a filter change selects from it (reading the aggregate took ~0.4 s)
    return data_access.scope_counts(_storage, scope, rounds=rounds)


@st.cache_data(ttl=CACHE_TTL, max_entries=CACHE_ENTRIES, show_spinner=False)
def _options(url: str, scope: Scope, _storage) -> FilterOptions:
    return data_access.filter_options(_storage, scope)


@st.cache_resource(ttl=CACHE_TTL, max_entries=4, show_spinner=False)
def _rounds_table(url: str, rounds: tuple, _storage):
    """The protected table of closed rounds (shared by every session; read again after CACHE_TTL or an import).

    Keyed by the data set and ``rounds`` (:func:`data_access.table_rounds`: the
    rounds whose fieldwork has closed): when a round closes or reopens the key
    changes.  No threshold in the key: there is one minimum cell size
    (:data:`MIN_CELL`), so one suppression pattern per table (issue 9 H1).
    Released rounds do not change, so after CACHE_TTL the same table is found
    again (:func:`analysis.protection.protect` keeps it by the counts' contents).
    """
    return data_access.protected_data(_storage, rounds=rounds)


def _protected(url: str, rounds: tuple | None, storage):
    """The live table of readers with row data (``rounds`` None: :func:`data_access.live_table`, rebuilt in
    the background after CACHE_TTL, never in a reader's page), else the table of ``rounds``."""
    if rounds is None:
        return data_access.live_table(storage, max_age=CACHE_TTL)
    return _rounds_table(url, rounds, storage)


def table_rounds(storage, scope: Scope) -> tuple | None:
    """:func:`data_access.table_rounds`: the rounds ``scope`` reads (None: every one, live)."""
    return data_access.table_rounds(storage, scope)


def protected(storage, scope: Scope):
    """The protected table ``scope`` reads (:func:`data_access.protected_data`), cached per data set and rounds.

    Readers with row data (``beheerder``, ``inspecteur``) read the live table;
    every other reader the table of the closed rounds (issue 9 H5, M4).
    """
    return _protected(_url(storage), table_rounds(storage, scope), storage)


def protected_round(storage, scope: Scope, round_id: str):
    """The table the response monitor of ``round_id`` reads: the reader's own table when it holds the
    round, else (a round still open, for a reader without row data) the live table, whose counts of
    that round are all the monitor shows of it (no figures)."""
    rounds = table_rounds(storage, scope)
    if rounds is not None and round_id in rounds:
        return _protected(_url(storage), rounds, storage)
    return _protected(_url(storage), None, storage)


def load_data(storage, scope: Scope, filters: dict, *, with_rest: bool = False) -> pd.DataFrame:
    """:func:`survey_app.dashboard.data_access.load_data`, cached (ttl :data:`CACHE_TTL`, :data:`CACHE_ENTRIES` entries).

    The rounds a reader without row data may read are part of the key.
    """
    rounds = table_rounds(storage, scope)
    return _load(_url(storage), scope, data_access.filters_key(filters), storage, with_rest, rounds)


def selection_counts(storage, scope: Scope, filters: dict) -> pd.DataFrame:
    """:func:`data_access.selection_counts` (from the stored aggregate, no rows): the scope's counts
    cached like :func:`load_data`, the filters applied to them."""
    rounds = table_rounds(storage, scope)
    return data_access.apply_filters(_counts(_url(storage), scope, storage, rounds), filters)


def clear_data_cache() -> None:
    """Forget cached data (after an import), for every session."""
    _load.clear()
    _counts.clear()
    _options.clear()
    _rounds_table.clear()
    data_access.forget_live_tables()


# --------------------------------------------------------------------------- page set-up

_UNSET = object()  # Context._view not made yet (None is a view with nothing to show)

DASH_CSS = """
<style>
  [data-testid="stMetricValue"] { font-size: clamp(1.35rem, 4.5vw, 2rem); }
  [data-testid="stMetricLabel"] p { white-space: normal; }
  /* charts shrink with the screen like an image in a report (no sideways scrolling on a phone) */
  [data-testid="stVegaLiteChart"] { max-width: 100%; }
  [data-testid="stVegaLiteChart"] svg.marks, [data-testid="stVegaLiteChart"] canvas.marks {
      max-width: 100%; height: auto; }
</style>
"""


@dataclass
class Context:
    """What a page needs after :func:`page_setup`."""

    page: str
    lang: str
    storage: Any
    scope: Scope
    filters: dict
    #: respondents of the selection per round, institution, type and measure (data_access.selection_counts)
    counts: pd.DataFrame
    options: FilterOptions
    synthetic: bool
    access: Access | None = None
    #: the minimum cell size of the one protected table (fixed, not the reader's: issue 9 H1)
    min_cell: int = field(default=MIN_CELL, init=False)
    _df: pd.DataFrame | None = field(default=None, init=False, repr=False)
    _view: Any = field(default=_UNSET, init=False, repr=False)

    @property
    def empty(self) -> bool:
        """No respondent in the selection (from the counts: no row is read)."""
        return int(self.counts["n"].sum()) == 0

    @property
    def df(self) -> pd.DataFrame:
        """The selection's rows, loaded (cached) the first time a page asks: the figures read counts."""
        if self._df is None:
            self._df = load_data(self.storage, self.scope, self.filters)
        return self._df

    @property
    def filters_key(self) -> tuple:
        return data_access.filters_key(self.filters)

    def view(self, filters: dict | None = None):
        """The reader's view of the one protected table (``filters``: the sidebar's by default).

        None when the scope has nothing to show for these filters.  Views are
        cheap: they only select from the shared protected table.  The sidebar's
        view is made once per page run.
        """
        if filters is None:
            if self._view is _UNSET:
                self._view = self.view(self.filters)
            return self._view
        rounds = table_rounds(self.storage, self.scope)
        chosen = data_access.normalize_filters(filters)["round_id"]
        if rounds is not None and chosen and not set(chosen) <= set(rounds):
            return None  # a round still open: not in this reader's table (issue 9 H5)
        data = protected(self.storage, self.scope)
        return data_access.protected_view(data, self.scope, filters)

    def figure_charts(self) -> list[tuple[FigureResult, dict]]:
        """Every contract figure of the view with its chart as a Vega-Lite spec, made once per
        protected table, selection, language and synthetic marker (:func:`data_access.figure_charts`)."""
        v = self.view()
        return [] if v is None else data_access.figure_charts(v, lang=self.lang, synthetic=self.synthetic)

    def filters_except(self, *names: str) -> dict:
        """The filters without ``names`` (e.g. a comparison needs every institution)."""
        return {k: (None if k in names else v) for k, v in self.filters.items()}

    def load(self, filters: dict, *, with_rest: bool = False) -> pd.DataFrame:
        """Data in scope with other ``filters`` (cached); ``with_rest``: see :func:`data_access.load_data`."""
        return load_data(self.storage, self.scope, filters, with_rest=with_rest)

    def held(self, filters: dict | None = None) -> pd.DataFrame:
        """Institutions whose own figures a view with ``filters`` (default: the sidebar's) must hold back.

        :func:`survey_app.dashboard.data_access.report_hold`; empty: show the figures.
        """
        return data_access.report_hold(self.storage, self.scope, self.filters if filters is None else filters)


def _restore(key: str, allowed: Iterable | None = None) -> None:
    """Give a widget back its value from an earlier page (Streamlit drops it on a page switch)."""
    shadow = "_" + key
    if key not in st.session_state and shadow in st.session_state:
        value = st.session_state[shadow]
        if allowed is not None and isinstance(value, list):
            allowed = set(allowed)
            value = [v for v in value if v in allowed]
        st.session_state[key] = value


def _remember(key: str) -> None:
    if key in st.session_state:
        st.session_state["_" + key] = st.session_state[key]


def language_toggle() -> str:
    """Nederlands / English radio in the sidebar; returns the language."""
    _restore(LANG_KEY)
    if LANG_KEY not in st.session_state:
        st.session_state[LANG_KEY] = i18n.DEFAULT_LANGUAGE
    st.radio(
        t("language"),
        list(wording.LANGS),
        key=LANG_KEY,
        horizontal=True,
        format_func=lambda v: i18n.text("language.name", v),
    )
    _remember(LANG_KEY)
    return lang()


def filter_sidebar(
    options: FilterOptions,
    *,
    show: Sequence[str] = ALL_FILTERS,
    disabled: Sequence[str] = (),
    first_round: str | None = None,
) -> dict:
    """The filter widgets; returns the filters.  ``disabled`` filters are shown but not applied.

    No widget for the minimum cell size: a caption says the one fixed
    minimum (:data:`MIN_CELL`) that holds for every reader (issue 9 H1).
    ``first_round``: a reader who sees each round apart (:func:`rounds_apart`)
    always has one round chosen, this one when none is (rounds together are
    hidden in that reader's table), and a caption says why.
    """
    lang_ = lang()
    st.subheader(t("filters"))
    choices = {
        "round_id": (options.round_ids, options.round_label, "all_rounds"),  # by name (issue 11)
        "gi": (options.gis, lambda g: f"{g} — {contract.GI_NAMES[g]}" if g in contract.GI_NAMES else g, "all_gis"),
        "respondent_type": (
            options.respondent_types,
            lambda v: wording.category_label("respondent_type", v, lang_),
            "all_types",
        ),
        "measure_type": (
            options.measure_types,
            lambda v: wording.category_label("measure_type", v, lang_),
            "all_measures",
        ),
    }
    filters: dict = {name: None for name in ALL_FILTERS}
    for name in ALL_FILTERS:
        if name not in show:
            continue
        opts, fmt, placeholder = choices[name]
        key = FILTER_KEYS[name]
        _restore(key, opts)
        if key in st.session_state:
            st.session_state[key] = [v for v in st.session_state[key] if v in set(opts)][:1]
        apart = name == "round_id" and first_round is not None
        if apart and not st.session_state.get(key):  # one round at a time: never rounds together
            st.session_state[key] = [first_round]
        value = st.multiselect(
            wording.variable_label(name, lang_),
            list(opts),
            key=key,
            format_func=fmt,
            placeholder=t(placeholder),
            disabled=name in disabled,
            # one value or all: a combination of groups could give a hidden group away (issue 9)
            max_selections=1,
            help=i18n.text("disclosure.one_value", lang_),
        )
        _remember(key)
        if apart:
            st.caption(i18n.text("open_round.per_round", lang_))
        if name not in disabled and value:
            filters[name] = list(value)
    st.caption(i18n.text("threshold.fixed", lang_, min_cell=MIN_CELL))
    return filters


def page_setup(
    page: str,
    title_key: str,
    *,
    show_filters: Sequence[str] = ALL_FILTERS,
    disabled_filters: Sequence[str] = (),
    intro_key: str | None = None,
    hold: bool = True,
) -> Context:
    """Layout, sidebar, data, title and synthetic banner of a dashboard page.

    ``title_key``: a ``dashboard.*`` text (``"overview_title"``), or a full
    catalog key (one with a dot: ``"privacy.microdata.title"``).

    Only for a signed-in person whose role has ``page`` (else a message and
    ``st.stop()``); the data scope is that person's, from the database.

    ``hold`` (default): when the selection shows an institution on its own
    whose own report waits (a late start, fieldwork still open:
    :func:`data_access.report_hold`), the page shows why instead of figures
    and stops.  A page that picks its selection itself (a round, an
    institution to compare) passes ``hold=False`` and calls
    :func:`report_waits` with that selection.
    """
    title = i18n.text(title_key, lang()) if "." in title_key else t(title_key)  # a full catalog key, or dashboard.*
    st.set_page_config(page_title=title, layout="wide")
    access = session.require_page(page.replace("_", "-"))
    ui.inject_css()
    st.html(DASH_CSS)
    storage = ui.get_storage()
    scope = access.scope
    options = _options(_url(storage), scope, storage)
    apart = rounds_apart(storage, scope, options)
    per_round = bool(apart) and "round_id" in show_filters and "round_id" not in disabled_filters
    with st.sidebar:
        lang_ = language_toggle()
        filters = filter_sidebar(
            options, show=show_filters, disabled=disabled_filters, first_round=apart[0] if per_round else None
        )
    session.account_box(access)
    counts = selection_counts(storage, scope, filters)
    st.title(i18n.text(title_key, lang_) if "." in title_key else t(title_key))
    synthetic = is_synthetic(counts, filters) or (
        counts.empty and any(r.startswith("demo-synthetisch") for r in options.round_ids)
    )
    if synthetic:
        synthetic_banner(lang_)
    if intro_key:
        st.write(t(intro_key))
    ctx = Context(
        page=page,
        lang=lang_,
        storage=storage,
        scope=scope,
        filters=filters,
        counts=counts,
        options=options,
        synthetic=synthetic,
        access=access,
    )
    if open_round_waits(ctx, note=True) or (hold and report_waits(ctx)):
        st.stop()
    return ctx


def rounds_apart(storage, scope: Scope, options: FilterOptions) -> tuple[str, ...]:
    """The reader's rounds, newest first, when each is a table of its own (else empty).

    A reader without row data with more than one readable round sees no
    figures of rounds together (:func:`data_access.protected_data`,
    ``pool_rounds=False``): the pages ask for one round.
    """
    rounds = table_rounds(storage, scope)
    if rounds is None:
        return ()
    mine = tuple(r for r in options.round_ids if r in set(rounds))
    return mine if len(mine) > 1 else ()


def open_round_waits(ctx: Context, filters: dict | None = None, *, note: bool = False) -> bool:
    """Show why a round's figures wait for this reader, when they do; True when the caller must show no figures.

    Only for readers without row data (:func:`data_access.table_rounds` is not
    None): a chosen round whose fieldwork has not closed for every institution
    is not in their table (:func:`analysis.monitor.open_rounds`, one message each,
    :func:`analysis.monitor.open_round_messages`); without a chosen round the
    page waits only when none of the reader's rounds is readable, and
    ``note`` adds a line naming the running rounds left out.
    """
    from analysis.monitor import open_round_messages, open_rounds

    rounds = table_rounds(ctx.storage, ctx.scope)
    if rounds is None:
        return False
    chosen = data_access.normalize_filters(ctx.filters if filters is None else filters)["round_id"]
    windows = ctx.storage.fieldwork_windows()
    waiting = open_rounds(windows, readable=rounds, round_ids=chosen or ctx.options.round_ids)
    if chosen:
        if waiting.empty:
            return False
        for message in open_round_messages(waiting, lang=ctx.lang):
            st.info(message, icon=":material/schedule:")
        return True
    if not any(r in set(rounds) for r in ctx.options.round_ids):
        st.info(i18n.text("open_round.none_closed", ctx.lang), icon=":material/schedule:")
        for message in open_round_messages(waiting, lang=ctx.lang):
            st.info(message, icon=":material/schedule:")
        return True
    if note and not waiting.empty:
        names = ", ".join(f"'{n}'" for n in waiting["round_name"])
        st.caption(i18n.text("open_round.not_included", ctx.lang, rounds=names))
    return False


def report_waits(ctx: Context, filters: dict | None = None) -> bool:
    """Show why the view's figures wait, when they do; True when the caller must show no figures.

    First a round still open for a reader without row data (:func:`open_round_waits`),
    then one message per institution held back (:func:`analysis.monitor.hold_messages`,
    decided by :func:`data_access.report_hold` for ``filters``, default the sidebar's).
    """
    from analysis.monitor import hold_messages

    if open_round_waits(ctx, filters):
        return True
    held = ctx.held(filters)
    for message in hold_messages(held, lang=ctx.lang):
        st.info(message, icon=":material/schedule:")
    return not held.empty


def synthetic_banner(lang_: str | None = None) -> None:
    """The clear warning on every page that shows synthetic data."""
    st.warning(f"**{i18n.text('common.synthetic_banner', lang_ or lang())}**", icon=":material/science:")


def no_data() -> None:
    st.info(t("no_data"), icon=":material/info:")


def selection_caption(ctx: Context, view=None) -> None:
    """The respondents of ``view`` (default: the page's selection) as the protected table shows them."""
    view = ctx.view() if view is None else view  # a hidden selection never shows its size (issue 9)
    resp = view.respondents if view is not None else None
    if resp is None or resp.n is None:
        st.caption(i18n.text("disclosure.n_selected_hidden", ctx.lang, min_cell=ctx.min_cell))
    else:
        st.caption(t("n_selected", count=resp.n))
