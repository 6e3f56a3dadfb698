"""The one way dashboards get response data: scope first, then filters.

``load_data(storage, scope, filters)`` loads the responses a user may see
(:class:`Scope`: which institutions and rounds; until accounts exist the
scope is everything, :func:`current_scope`) and then applies the dashboard
filters with :func:`analysis.filters.filter_responses`.  Small-cell
suppression is computed later, by the statistics, on the frame returned
here, so it always follows every filter.

A filter can only narrow the scope: a filter value outside the scope selects
nobody, it never widens what is loaded.

This module has no streamlit import, so it is tested directly; the bounded
cache (``st.cache_data(ttl=..., max_entries=...)``) lives in
:mod:`survey_app.dashboard`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from analysis import contract
from analysis.filters import filter_responses, normalize_filter_value


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
    institution), never "all".
    """

    gis: tuple[str, ...] | None = None
    round_ids: tuple[str, ...] | None = None

    def __post_init__(self):
        object.__setattr__(self, "gis", _as_tuple(self.gis, "gis"))
        object.__setattr__(self, "round_ids", _as_tuple(self.round_ids, "round_ids"))

    @property
    def is_everything(self) -> bool:
        return self.gis is None and self.round_ids is None


def current_scope() -> Scope:
    """The scope of the current user.  There are no accounts yet: everything."""
    return Scope()


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


def load_scope(storage, scope: Scope) -> pd.DataFrame:
    """Every response inside ``scope`` as the canonical frame (no filters)."""
    if (scope.gis is not None and not scope.gis) or (scope.round_ids is not None and not scope.round_ids):
        from analysis.frame import empty_frame

        return empty_frame()
    return storage.load_responses(round_ids=scope.round_ids, gis=scope.gis)


def apply_filters(df: pd.DataFrame, filters: Mapping[str, Any] | None) -> pd.DataFrame:
    """:func:`analysis.filters.filter_responses` with :func:`normalize_filters` semantics."""
    return filter_responses(df, **normalize_filters(filters))


def load_data(storage, scope: Scope | None = None, filters: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """The responses in ``scope`` that match ``filters`` (canonical frame, fresh index).

    Parameters
    ----------
    storage : survey_app.storage.Storage
        Where the responses are.
    scope : Scope, optional
        Institutions and rounds the user may see (default :func:`current_scope`).
    filters : mapping, optional
        Dashboard filters ``gi``, ``respondent_type``, ``round_id``,
        ``measure_type`` (see :func:`normalize_filters`).
    """
    scope = current_scope() if scope is None else scope
    return apply_filters(load_scope(storage, scope), filters)


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


def filter_options(storage, scope: Scope | None = None) -> FilterOptions:
    """Rounds and institutions a user can pick: the rounds known to storage and
    the institutions in the data and in those rounds, both limited to ``scope``.

    Rounds follow :meth:`Storage.list_rounds` (newest first), then rounds that
    only occur in the data; institutions follow ``contract.GI_CODES``, then
    other codes sorted.
    """
    scope = current_scope() if scope is None else scope
    df = load_scope(storage, scope)
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
    ordered = [g for g in contract.GI_CODES if g in gis] + sorted(gis - set(contract.GI_CODES))
    names = tuple((r.id, r.name) for r in storage.list_rounds() if r.id in set(rounds))
    return FilterOptions(round_ids=tuple(rounds), gis=tuple(ordered), round_names=names)
