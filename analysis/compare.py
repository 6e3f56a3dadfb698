"""Comparisons of two groups of respondents: one institution against the rest, or one round against another.

:func:`compare_groups` gives, per questionnaire item, the estimate in group
``a`` and group ``b``, their difference with a 95 % interval, a test and a
Holm-adjusted p-value over the items.  :func:`institution_vs_rest` builds the
frame for "institution versus all other institutions together" so that no
other single institution's numbers can leak, and :func:`compare_institution`
runs the comparison on it.

Output columns of :func:`compare_groups` (:data:`COMPARE_COLUMNS`):

===============  ===========================================================================
column           meaning
===============  ===========================================================================
item             questionnaire item (contract column)
measure          ``"pct_positive"`` (coded items: share of answers in
                 :data:`POSITIVE_CODES`, 0-100) or ``"mean"`` (``grade``, 1-10)
a_n, b_n         base of each side: respondents who answered the item (``Int64``; always
                 shown, also when suppressed)
a_estimate,      percentage positive (0-100) or mean grade of each side
b_estimate
difference       ``a_estimate - b_estimate`` (percentage points, or grade points)
ci_low, ci_high  95 % interval of the difference: Newcombe hybrid score (proportions) or
                 Welch t (means)
test             ``"two_proportion_z"`` or ``"mann_whitney_u"``
statistic        z (pooled two-proportion z, equal to the root of Pearson's chi-square without
                 continuity correction, with the sign of the difference) or U of side ``a``
p_value          two-sided p-value of the test
p_holm           Holm (1979) adjusted p-value over the non-suppressed items of this call
suppressed       True when a side has fewer than ``min_cell`` answers: estimates,
                 difference, interval, statistic and p-values are NaN
===============  ===========================================================================

Percentages follow data contract v1 section 2: the base is the number of
answers to the item (empty = not answered is left out; ``weet_niet`` and
``geen_plan_bekend`` are answers and count in the base, never as positive).

References
----------
.. [1] Newcombe, R. G. (1998). Interval estimation for the difference between
   independent proportions: comparison of eleven methods. Statistics in
   Medicine 17, 873-890 (method 10, the hybrid score interval).
.. [2] Welch, B. L. (1947). The generalization of "Student's" problem when
   several different population variances are involved. Biometrika 34, 28-35.
.. [3] Mann, H. B. & Whitney, D. R. (1947). On a test of whether one of two
   random variables is stochastically larger than the other. Annals of
   Mathematical Statistics 18, 50-60.
.. [4] Holm, S. (1979). A simple sequentially rejective multiple test
   procedure. Scandinavian Journal of Statistics 6, 65-70.
.. [5] Fleiss, J. L., Levin, B. & Paik, M. C. (2003). Statistical Methods for
   Rates and Proportions, 3rd ed., section 3.2 (two-proportion z-test).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats as _st

from . import contract
from .stats import category_labels, wilson_interval


def holm(p) -> np.ndarray:
    """Holm's step-down adjusted p-values (Holm 1979), in the order given.

    The same values as ``statsmodels.stats.multitest.multipletests(p,
    method="holm")[1]`` (and R's ``p.adjust(p, "holm")``), without the
    ``gc.collect()`` that statsmodels runs on every call (slow when the
    protected table of a round is in memory).

    >>> holm([0.01, 0.04, 0.03, 0.005]).round(3).tolist()
    [0.03, 0.06, 0.06, 0.02]
    """
    p = np.asarray(p, dtype=float)
    m = len(p)
    order = np.argsort(p, kind="stable")
    adjusted = np.minimum(1.0, np.maximum.accumulate(p[order] * np.arange(m, 0, -1)))
    out = np.empty(m)
    out[order] = adjusted
    return out


#: Label of "all other groups together" (the default ``b`` of :func:`compare_groups`).
REST = contract.REST

#: Answer codes counted as "positive" per coded item.  "Positive" is the share
#: that is reported, not always a good experience: for ``had_gap`` it is the
#: share that *had* a period without a worker (``ja``).  ``weet_niet`` and
#: ``geen_plan_bekend`` are never positive but stay in the base.
POSITIVE_CODES: dict[str, tuple[str, ...]] = {
    "had_gap": ("ja",),  # share with a period without a worker
    "contact_one_on_one": ("meer_dan_1",),  # talked alone more than once
    "explained_at_start": ("ja",),
    "opinion_asked": ("altijd", "vaak"),  # always or often
    "involved_in_decisions": ("altijd",),  # always
    "asked_life_domains": ("ja",),
    "asked_safety": ("ja",),
    "say_in_plan": ("ja",),
    "help_improves": ("ja",),
    **{q: ("ja",) for q in contract.QUALITY_ITEMS},
}

#: Numeric items compared by their mean.
MEAN_ITEMS = ("grade",)

#: Items of :func:`compare_groups` by default, in questionnaire order.
DEFAULT_ITEMS: tuple[str, ...] = tuple(c for c in contract.ITEM_COLUMNS if c in POSITIVE_CODES or c in MEAN_ITEMS)

COMPARE_COLUMNS = (
    "item",
    "measure",
    "a_n",
    "a_estimate",
    "b_n",
    "b_estimate",
    "difference",
    "ci_low",
    "ci_high",
    "test",
    "statistic",
    "p_value",
    "p_holm",
    "suppressed",
)


# --------------------------------------------------------------------------- intervals and tests


def newcombe_interval(k1, n1, k2, n2, *, confidence: float = 0.95) -> tuple[float, float]:
    """Newcombe's hybrid score interval for ``p1 - p2`` of two independent proportions.

    With Wilson score limits ``(l_i, u_i)`` for ``p_i = k_i / n_i``
    (:func:`analysis.stats.wilson_interval`) and ``d = p1 - p2``:

    .. math::
        L = d - \\sqrt{(p_1 - l_1)^2 + (u_2 - p_2)^2}, \\quad
        U = d + \\sqrt{(u_1 - p_1)^2 + (p_2 - l_2)^2}

    Returns
    -------
    (low, high) : tuple of float
        Bounds as proportions (-1 to 1); NaN when a base is 0.

    Examples
    --------
    Newcombe (1998), table II, example (a), method 10: 56/70 - 48/80 = 0.1750,
    interval 0.0524 to 0.3339.

    >>> [round(v, 4) for v in newcombe_interval(56, 70, 48, 80)]
    [0.0524, 0.3339]

    References
    ----------
    Newcombe (1998), Statistics in Medicine 17, 873-890, method 10.
    """
    if n1 <= 0 or n2 <= 0:
        return math.nan, math.nan
    p1, p2 = k1 / n1, k2 / n2
    l1, u1 = wilson_interval(k1, n1, confidence=confidence)
    l2, u2 = wilson_interval(k2, n2, confidence=confidence)
    d = p1 - p2
    low = d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return float(low), float(high)


def two_proportion_z(k1, n1, k2, n2) -> tuple[float, float]:
    """Pooled two-proportion z-test, two-sided: ``(z, p_value)``.

    ``z = (p1 - p2) / sqrt(p (1 - p) (1/n1 + 1/n2))`` with the pooled
    ``p = (k1 + k2) / (n1 + n2)``; ``z**2`` equals Pearson's chi-square of the
    2x2 table without continuity correction.  NaN when a base is 0 or the
    pooled proportion is 0 or 1 (the test is undefined; the difference is 0).

    References
    ----------
    Fleiss, Levin & Paik (2003), Statistical Methods for Rates and Proportions, 3rd ed., 3.2.
    """
    if n1 <= 0 or n2 <= 0:
        return math.nan, math.nan
    p = (k1 + k2) / (n1 + n2)
    if p <= 0 or p >= 1:
        return math.nan, math.nan
    z = (k1 / n1 - k2 / n2) / math.sqrt(p * (1 - p) * (1 / n1 + 1 / n2))
    return float(z), float(2 * _st.norm.sf(abs(z)))


def welch_interval(x1, x2, *, confidence: float = 0.95) -> tuple[float, float]:
    """Welch t interval for ``mean(x1) - mean(x2)`` (unequal variances).

    ``d +- t(q, nu) * sqrt(s1^2/n1 + s2^2/n2)`` with the Welch-Satterthwaite
    degrees of freedom ``nu``.  NaN when a side has fewer than 2 values or
    both variances are 0.

    References
    ----------
    Welch (1947), Biometrika 34, 28-35.
    """
    x1 = np.asarray(x1, dtype=float)
    x2 = np.asarray(x2, dtype=float)
    n1, n2 = len(x1), len(x2)
    if n1 < 2 or n2 < 2:
        return math.nan, math.nan
    v1, v2 = np.var(x1, ddof=1) / n1, np.var(x2, ddof=1) / n2
    se2 = v1 + v2
    if se2 <= 0:
        return math.nan, math.nan
    nu = se2**2 / (v1**2 / (n1 - 1) + v2**2 / (n2 - 1))
    half = _st.t.ppf(0.5 + confidence / 2, nu) * math.sqrt(se2)
    d = float(np.mean(x1) - np.mean(x2))
    return d - half, d + half


# --------------------------------------------------------------------------- helpers


def _values(v: Any, what: str) -> tuple[str, ...]:
    if v is None:
        raise ValueError(f"{what} must be given")
    if isinstance(v, (str, bytes)) or not isinstance(v, Iterable):
        vals = (v,)
    else:
        vals = tuple(v)
    if not vals:
        raise ValueError(f"{what}: empty list")
    return tuple(str(x) for x in vals)


def _group_masks(df: pd.DataFrame, by: str, a, b) -> tuple[np.ndarray, np.ndarray]:
    if by not in df.columns:
        raise ValueError(f"the frame has no column {by!r}")
    labels = category_labels(df, by)
    present = np.array([v is not None for v in labels], dtype=bool)
    a_vals = _values(a, "a")
    in_a = np.array([v in a_vals for v in labels], dtype=bool)
    if isinstance(b, str) and b == REST:
        in_b = present & ~in_a
    else:
        b_vals = _values(b, "b")
        overlap = set(a_vals) & set(b_vals)
        if overlap:
            raise ValueError(f"groups a and b overlap: {sorted(overlap)}")
        in_b = np.array([v in b_vals for v in labels], dtype=bool)
    return in_a, in_b


# --------------------------------------------------------------------------- comparisons


def compare_groups(
    df: pd.DataFrame,
    *,
    by: str,
    a: str | Sequence[str],
    b: str | Sequence[str] = REST,
    items: Sequence[str] | None = None,
    min_cell: int = contract.DEFAULT_MIN_CELL,
    positive_codes: Mapping[str, Sequence[str]] | None = None,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Compare group ``a`` with group ``b`` on every item.

    Parameters
    ----------
    df : pandas.DataFrame
        Canonical response frame (:func:`analysis.frame.canonical_frame`),
        already filtered (:func:`analysis.filters.filter_responses`).
    by : str
        Grouping column, e.g. ``"gi"`` or ``"round_id"``.
    a : str or list of str
        Value(s) of ``by`` forming group ``a`` (e.g. ``"JBN"``, or the new round).
    b : str or list of str
        Value(s) forming group ``b`` (e.g. the earlier round), or ``"rest"``
        (default): every respondent with a non-empty ``by`` outside ``a``,
        taken together.  With ``"rest"`` only the pooled numbers of the others
        appear, never those of another single group.  Rows with an empty
        ``by`` are in neither group.
    items : list of str, optional
        Items to compare (default :data:`DEFAULT_ITEMS`: every item with
        :data:`POSITIVE_CODES`, and ``grade``), reported in the order given.
    min_cell : int
        A side with fewer answers to the item than this is too small: the row
        is suppressed (everything but the bases NaN, ``suppressed`` True).
    positive_codes : mapping, optional
        Override of :data:`POSITIVE_CODES` for some items.
    confidence : float
        Interval coverage, default 0.95.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`COMPARE_COLUMNS` (see the module docstring), one row
        per item.

    Notes
    -----
    * Coded items: percentage positive per side; difference in percentage
      points with Newcombe's hybrid score interval (:func:`newcombe_interval`);
      pooled two-proportion z-test (:func:`two_proportion_z`).
    * ``grade``: mean per side; difference of means with the Welch t interval
      (:func:`welch_interval`); two-sided Mann-Whitney U test
      (:func:`scipy.stats.mannwhitneyu`, asymptotic with tie correction when
      there are ties), statistic U of side ``a``.
    * ``p_holm``: Holm step-down adjustment (:func:`holm`, the values of
      :func:`statsmodels.stats.multitest.multipletests` with ``method="holm"``)
      over the items of this call that have a p-value.

    References
    ----------
    Newcombe (1998); Welch (1947); Mann & Whitney (1947); Holm (1979).

    Examples
    --------
    >>> compare_groups(df, by="gi", a="JBN")                                 # doctest: +SKIP
    >>> compare_groups(df, by="round_id", a="2026-voorjaar", b="2025-najaar")  # doctest: +SKIP
    """
    min_cell = contract.check_min_cell(min_cell)
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, got {confidence!r}")
    positives = dict(POSITIVE_CODES)
    if positive_codes:
        for item, codes in positive_codes.items():
            positives[item] = tuple(str(c) for c in _values(codes, f"positive codes of {item!r}"))
    items = list(DEFAULT_ITEMS if items is None else _values(items, "items"))
    for item in items:
        if item not in positives and item not in MEAN_ITEMS:
            raise ValueError(
                f"item {item!r} cannot be compared; choose from {', '.join(DEFAULT_ITEMS)} (or give its positive codes)"
            )
        if item not in df.columns:
            raise ValueError(f"the frame has no column {item!r}")
        if item in positives and item in contract.CODES:
            unknown = set(positives[item]) - set(contract.CODES[item])
            if unknown:
                raise ValueError(f"positive codes {sorted(unknown)} are not codes of {item!r}")
    in_a, in_b = _group_masks(df, by, a, b)

    rows = []
    for item in items:
        row = dict.fromkeys(COMPARE_COLUMNS, math.nan)
        row["item"] = item
        if item in MEAN_ITEMS:
            x = pd.to_numeric(df[item].astype(object), errors="raise").astype("float64").to_numpy()
            xa, xb = x[in_a & ~np.isnan(x)], x[in_b & ~np.isnan(x)]
            na, nb = len(xa), len(xb)
            row.update(measure="mean", test="mann_whitney_u", a_n=na, b_n=nb)
            suppressed = na < min_cell or nb < min_cell or na == 0 or nb == 0
            if not suppressed:
                ma, mb = float(np.mean(xa)), float(np.mean(xb))
                lo, hi = welch_interval(xa, xb, confidence=confidence)
                mw = _st.mannwhitneyu(xa, xb, alternative="two-sided")
                row.update(
                    a_estimate=ma,
                    b_estimate=mb,
                    difference=ma - mb,
                    ci_low=lo,
                    ci_high=hi,
                    statistic=float(mw.statistic),
                    p_value=float(mw.pvalue),
                )
        else:
            labels = category_labels(df, item)
            answered = np.array([v is not None for v in labels], dtype=bool)
            pos = np.array([v in positives[item] for v in labels], dtype=bool)
            na, nb = int(np.sum(answered & in_a)), int(np.sum(answered & in_b))
            ka, kb = int(np.sum(pos & in_a)), int(np.sum(pos & in_b))
            row.update(measure="pct_positive", test="two_proportion_z", a_n=na, b_n=nb)
            suppressed = na < min_cell or nb < min_cell or na == 0 or nb == 0
            if not suppressed:
                lo, hi = newcombe_interval(ka, na, kb, nb, confidence=confidence)
                z, p = two_proportion_z(ka, na, kb, nb)
                row.update(
                    a_estimate=100.0 * ka / na,
                    b_estimate=100.0 * kb / nb,
                    difference=100.0 * (ka / na - kb / nb),
                    ci_low=100.0 * lo,
                    ci_high=100.0 * hi,
                    statistic=z,
                    p_value=p,
                )
        row["suppressed"] = bool(suppressed)
        rows.append(row)

    out = pd.DataFrame(rows, columns=list(COMPARE_COLUMNS))
    p = out["p_value"].to_numpy(dtype=float)
    ok = ~np.isnan(p)
    p_holm = np.full(len(p), np.nan)
    if ok.any():
        p_holm[ok] = holm(p[ok])
    out["p_holm"] = p_holm
    for c in ("item", "measure", "test"):
        out[c] = out[c].astype("string")
    for c in ("a_n", "b_n"):
        out[c] = out[c].astype("Int64")
    for c in ("a_estimate", "b_estimate", "difference", "ci_low", "ci_high", "statistic", "p_value", "p_holm"):
        out[c] = out[c].astype("float64")
    out["suppressed"] = out["suppressed"].astype(bool)
    return out


def institution_vs_rest(df: pd.DataFrame, *, gi: str, rest_label: str = REST) -> pd.DataFrame:
    """The response frame with every other institution relabelled as ``rest_label``.

    Rows of institution ``gi`` keep their code; rows of all other
    institutions get ``gi = rest_label`` (default ``"rest"``); rows without
    an institution are left out.  Everything computed on the result (by
    :func:`compare_groups`, a chart, an export) can show the other
    institutions only pooled together, never one of them separately.

    Parameters
    ----------
    df : pandas.DataFrame
        Canonical response frame, already filtered.
    gi : str
        Institution code, e.g. ``"JBN"``.
    rest_label : str
        Code for the pooled others; must differ from ``gi``.

    Returns
    -------
    pandas.DataFrame
        Same columns and dtypes as ``df``, fresh ``RangeIndex``.
    """
    if "gi" not in df.columns:
        raise ValueError("the frame has no column 'gi'")
    gi = str(gi).strip()
    if not gi or gi == rest_label:
        raise ValueError(f"institution code {gi!r} is empty or equal to the rest label {rest_label!r}")
    keep = df["gi"].notna().to_numpy()
    out = df.loc[keep].reset_index(drop=True).copy()
    codes = out["gi"].astype(object).map(lambda v: str(v).strip())
    out["gi"] = pd.Series(np.where(codes == gi, gi, rest_label), dtype=df["gi"].dtype)
    return out


def compare_institution(
    df: pd.DataFrame,
    *,
    gi: str,
    items: Sequence[str] | None = None,
    min_cell: int = contract.DEFAULT_MIN_CELL,
    confidence: float = 0.95,
    filters: Mapping[str, Any] | None = None,
) -> pd.DataFrame:
    """One institution against all other institutions together.

    With ``filters`` (a dict, ``{}`` for none; its ``gi`` is ignored): ``df``
    is the whole data set and both sides come from its protected table
    (:meth:`analysis.protection.ProtectedView.compare_institution`): a row is
    shown only when the institution and the rest are shown cells, sizes of
    hidden sides are null (``a_n_below``, ``b_n_below``) and Holm runs over
    the shown rows.  Without ``filters`` (the old call on an already
    filtered frame): ``compare_groups(institution_vs_rest(df, gi=gi),
    by="gi", a=gi, b="rest", ...)``, which does not protect across views.
    """
    if filters is not None:
        from .protection import protect  # circular: protection imports compare

        return protect(df, min_cell=min_cell).view(filters).compare_institution(gi, items=items)
    frame = institution_vs_rest(df, gi=gi)
    return compare_groups(frame, by="gi", a=gi, b=REST, items=items, min_cell=min_cell, confidence=confidence)


def compare_rounds(
    df: pd.DataFrame,
    *,
    a: str,
    b: str,
    filters: Mapping[str, Any] | None = None,
    items: Sequence[str] | None = None,
    min_cell: int = contract.DEFAULT_MIN_CELL,
) -> pd.DataFrame:
    """Round ``a`` against round ``b`` from the protected table of the whole data set ``df``.

    ``filters`` (its ``round_id`` is ignored) select the other dimensions.
    Same columns as :meth:`analysis.protection.ProtectedView.compare_rounds`.
    """
    from .protection import protect  # circular: protection imports compare

    return protect(df, min_cell=min_cell).view(filters or {}).compare_rounds(a, b, items=items)
