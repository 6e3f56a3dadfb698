"""Filtering the canonical response frame before any statistic is computed.

Suppression of small cells (``min_cell``) is always computed on the *filtered*
frame, so every statistic in :mod:`analysis.stats` and :mod:`analysis.figures`
receives the output of :func:`filter_responses`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

from . import contract

#: Filters whose values are checked against the contract codes.  ``gi`` and
#: ``round_id`` are free text in the contract ("e.g. JBG ..."), so any
#: non-empty text is accepted there.
CODED_FILTERS = ("respondent_type", "measure_type")


def normalize_filter_value(name: str, value: Any) -> tuple[str, ...] | None:
    """Turn one filter value into a tuple of allowed values (or ``None`` = no filter).

    ``value`` is ``None``, one value or a list/tuple/set of values.  Codes of
    ``respondent_type`` and ``measure_type`` are checked against the contract;
    an unknown code raises :class:`ValueError` naming the filter, the value and
    the allowed codes.  An empty list is not allowed (it would select nobody by
    accident): pass ``None`` for "no filter".
    """
    if name not in contract.FILTER_COLUMNS:
        raise ValueError(f"unknown filter {name!r}; allowed filters: {', '.join(contract.FILTER_COLUMNS)}")
    if value is None:
        return None
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        values: tuple = (value,)
    else:
        values = tuple(value)
    if not values:
        raise ValueError(f"filter {name!r}: empty list of values; use None for no filter")
    out = []
    for v in values:
        if v is None or (isinstance(v, float) and v != v):
            raise ValueError(f"filter {name!r}: empty value is not allowed")
        if not isinstance(v, str):
            raise ValueError(f"filter {name!r}: value {v!r} is not text")
        v = v.strip()
        if not v:
            raise ValueError(f"filter {name!r}: empty value is not allowed")
        if name in CODED_FILTERS and v not in contract.CODES[name]:
            raise ValueError(f"filter {name!r}: unknown code {v!r}; allowed codes: {', '.join(contract.CODES[name])}")
        if v not in out:
            out.append(v)
    return tuple(out)


def filter_responses(
    df: pd.DataFrame,
    *,
    gi: str | Iterable[str] | None = None,
    respondent_type: str | Iterable[str] | None = None,
    round_id: str | Iterable[str] | None = None,
    measure_type: str | Iterable[str] | None = None,
) -> pd.DataFrame:
    """Return the responses that match every given filter.

    Parameters
    ----------
    df : pandas.DataFrame
        Canonical response frame (:func:`analysis.frame.canonical_frame`).
    gi, respondent_type, round_id, measure_type : str, list of str or None
        ``None`` keeps everything; one value or a list keeps rows whose value is
        one of them.  A missing (empty) value never matches a filter.

    Returns
    -------
    pandas.DataFrame
        A new frame with the same columns and a fresh ``RangeIndex``.

    Raises
    ------
    ValueError
        For an unknown code of ``respondent_type`` or ``measure_type``, an
        empty value, or a filter column missing from ``df``.

    Examples
    --------
    >>> filter_responses(df, gi="JBN", respondent_type=["jeugdige"])  # doctest: +SKIP
    """
    given = {"gi": gi, "respondent_type": respondent_type, "round_id": round_id, "measure_type": measure_type}
    mask = pd.Series(True, index=df.index)
    for name, value in given.items():
        allowed = normalize_filter_value(name, value)
        if allowed is None:
            continue
        if name not in df.columns:
            raise ValueError(f"filter {name!r}: the frame has no column {name!r}")
        col = df[name].astype(object)
        mask &= col.isin(allowed).fillna(False).astype(bool)
    return df.loc[mask.to_numpy()].reset_index(drop=True)
