"""Statistics of the report: one function per statistic, each returning a tidy DataFrame.

Every function takes the (already filtered) canonical response frame and
keyword options, and returns a :class:`pandas.DataFrame` with fixed columns
(see ``docs/architecture.md``, "Figure tables"):

============================  ===============================================================
function                      columns
============================  ===============================================================
:func:`distribution`          category, n, pct, ci_low, ci_high, suppressed, indicative
:func:`distribution_by_group` group, category, n, pct, ci_low, ci_high, suppressed, indicative
:func:`mean_by_group`         group, n, mean, sd, ci_low, ci_high, suppressed, indicative
:func:`pct_by_group`          item, group, n, n_positive, pct, ci_low, ci_high, suppressed,
                              indicative
:func:`share`                 item, category, n, n_positive, pct, ci_low, ci_high, suppressed,
                              indicative
:func:`trend_tests`           test, statistic, p_value, n
============================  ===============================================================

:func:`secondary_suppression` is the complementary suppression rule shared
by the grouped tables.

Conventions (data contract v1, section 2):

* Percentages are 0-100 with full precision; round only for display.
* Not answered (missing) is left out of the base; ``weet_niet`` and
  ``geen_plan_bekend`` are answers and count.
* Proportion intervals are Wilson score intervals (:func:`wilson_interval`),
  mean intervals are t-based (:func:`t_interval`), both 95 % by default.
* Small cells: a figure or group whose base ``n`` is below ``min_cell`` is
  suppressed (*primary* suppression): estimate and interval are NaN and
  ``suppressed`` is True.  In a (grouped) distribution the category counts
  ``n`` of a suppressed base are hidden too (``<NA>``), because counts inside
  a tiny group identify people; in :func:`mean_by_group`,
  :func:`pct_by_group` and :func:`share` the base ``n`` stays visible and
  ``n_positive`` is hidden.
* Grouped tables (:func:`distribution_by_group`, :func:`mean_by_group`,
  :func:`pct_by_group` per item) also get *secondary* (complementary)
  suppression, :func:`secondary_suppression`: their groups split a
  population whose total is published elsewhere (the overall distribution,
  the overall mean grade), so one hidden group could be worked out by
  subtraction.  When the hidden groups with data hold fewer than
  ``min_cell`` respondents together, the smallest shown group is hidden too,
  until they hold at least ``min_cell`` or every group is hidden.  A
  secondarily suppressed group looks exactly like a primarily suppressed one
  (``suppressed`` True, its base ``n`` visible where the table shows bases).
* Trend tests (:func:`trend_results`, :func:`trend_tests`) are computed over
  the shown groups only: groups hidden by either rule are left out.
* ``indicative`` is True when ``min_cell <= n < contract.INDICATIVE_BELOW``
  (30): shown, but to be read with care.
* Counts (``n``, ``n_positive``) are nullable ``Int64``; estimates ``float64``.

References
----------
.. [1] Wilson, E. B. (1927). Probable inference, the law of succession, and
   statistical inference. JASA 22, 209-212.
.. [2] Newcombe, R. G. (1998). Two-sided confidence intervals for the single
   proportion: comparison of seven methods. Statistics in Medicine 17, 857-872.
.. [3] Kruskal, W. H. & Wallis, W. A. (1952). Use of ranks in one-criterion
   variance analysis. JASA 47, 583-621.
.. [4] Jonckheere, A. R. (1954). A distribution-free k-sample test against
   ordered alternatives. Biometrika 41, 133-145.
.. [5] Hollander, M., Wolfe, D. A. & Chicken, E. (2014). Nonparametric
   Statistical Methods, 3rd ed., section 6.2. Wiley.
.. [6] Hundepool, A., Domingo-Ferrer, J., Franconi, L., Giessing, S.,
   Schulte Nordholt, E., Spicer, K. & de Wolf, P.-P. (2012). Statistical
   Disclosure Control. Wiley.  Chapter 4 (cell suppression: primary and
   secondary suppression) and chapter 5 (frequency tables).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats as _st
from statsmodels.stats.nonparametric import jonckheere_terpstra as _sm_jonckheere_terpstra

from . import contract

DISTRIBUTION_COLUMNS = ("category", "n", "pct", "ci_low", "ci_high", "suppressed", "indicative")
DISTRIBUTION_BY_GROUP_COLUMNS = ("group", *DISTRIBUTION_COLUMNS)
MEAN_BY_GROUP_COLUMNS = ("group", "n", "mean", "sd", "ci_low", "ci_high", "suppressed", "indicative")
PCT_BY_GROUP_COLUMNS = ("item", "group", "n", "n_positive", "pct", "ci_low", "ci_high", "suppressed", "indicative")
SHARE_COLUMNS = ("item", "category", "n", "n_positive", "pct", "ci_low", "ci_high", "suppressed", "indicative")
TREND_TEST_COLUMNS = ("test", "statistic", "p_value", "n")
TREND_TESTS = ("kruskal_wallis", "spearman", "jonckheere_terpstra")

__all__ = [
    "Counts",
    "count_rows",
    "mean_sd",
    "wilson_interval",
    "t_interval",
    "category_labels",
    "default_categories",
    "distribution",
    "distribution_by_group",
    "mean_by_group",
    "pct_by_group",
    "share",
    "trend_tests",
    "trend_results",
    "jonckheere_terpstra",
    "secondary_suppression",
]


# --------------------------------------------------------------------------- counts


@dataclass(frozen=True)
class Counts:
    """Respondents per combination of answers: what every statistic here reads, instead of rows.

    ``frame`` has one row per combination, one column per question (its
    labels as :func:`category_labels` gives them, None = not answered) and
    ``n``, the number of respondents with that combination.  Every function
    of this module that takes a response frame also takes a ``Counts`` and
    gives the same table: a statistic of a million rows then costs as much
    as one of the few hundred combinations they hold (issue 10 item 2;
    :meth:`analysis.protection.ProtectedView.counts` makes them from the
    columns encoded once).
    """

    frame: pd.DataFrame

    def __len__(self) -> int:
        return int(self.frame["n"].sum())


def count_rows(df: pd.DataFrame, columns: Sequence[str]) -> Counts:
    """The :class:`Counts` of a response frame: respondents per combination of the columns' labels."""
    columns = list(columns)
    if not columns:
        return Counts(pd.DataFrame({"n": [len(df)]}))
    labels = pd.DataFrame({c: category_labels(df, c) for c in columns}, dtype=object)
    frame = labels.groupby(columns, dropna=False, sort=False).size().rename("n").reset_index()
    return Counts(frame)


def mean_sd(values: np.ndarray, weights: np.ndarray) -> tuple[int, float, float]:
    """``(n, mean, sd)`` of values counted ``weights`` times each (sd with ``ddof=1``; NaN when undefined)."""
    n = int(np.sum(weights))
    mean = float(np.sum(values * weights) / n) if n else math.nan
    sd = float(np.sqrt(np.sum(weights * (values - mean) ** 2) / (n - 1))) if n >= 2 else math.nan
    return n, mean, sd


def _weights(df) -> np.ndarray:
    """Respondents per row of ``df`` (1 per row of a response frame, ``n`` of :class:`Counts`)."""
    if isinstance(df, Counts):
        return df.frame["n"].to_numpy(dtype=np.int64)
    return np.ones(len(df), dtype=np.int64)


# --------------------------------------------------------------------------- intervals


def _z(confidence: float) -> float:
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, got {confidence!r}")
    return float(_st.norm.ppf(0.5 + confidence / 2))


def _maybe_scalar(a: np.ndarray):
    return float(a) if np.ndim(a) == 0 else a


def wilson_interval(k, n, *, confidence: float = 0.95):
    """Wilson score interval for a binomial proportion.

    Parameters
    ----------
    k, n : int or array_like
        Number of "positive" answers and the base (number of answers).
    confidence : float
        Coverage, default 0.95.

    Returns
    -------
    (low, high) : tuple of float or of numpy arrays
        Bounds as proportions (0-1), clipped to [0, 1]; NaN where ``n == 0``.

    Notes
    -----
    With :math:`\\hat p = k/n` and :math:`z = \\Phi^{-1}(1 - \\alpha/2)`:

    .. math::
        \\frac{\\hat p + z^2/2n \\pm z\\sqrt{\\hat p(1-\\hat p)/n + z^2/4n^2}}{1 + z^2/n}

    Newcombe (1998), method 3, gives 81/263 -> 0.2553 to 0.3662.  Equal to
    ``statsmodels.stats.proportion.proportion_confint(k, n, method="wilson")``.

    Examples
    --------
    Newcombe's example, and an empty base:

    >>> [round(v, 4) for v in wilson_interval(81, 263)]
    [0.2553, 0.3662]
    >>> wilson_interval(0, 0)
    (nan, nan)

    References
    ----------
    Wilson (1927); Newcombe (1998), Statistics in Medicine 17, 857-872.
    """
    z = _z(confidence)
    k = np.asarray(k, dtype=float)
    n = np.asarray(n, dtype=float)
    if np.any(k < 0) or np.any(k > n):
        raise ValueError("wilson_interval needs 0 <= k <= n")
    with np.errstate(divide="ignore", invalid="ignore"):
        p = k / n
        denom = 1 + z * z / n
        centre = (p + z * z / (2 * n)) / denom
        half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
        low = np.clip(centre - half, 0.0, 1.0)
        high = np.clip(centre + half, 0.0, 1.0)
    low = np.where(n > 0, low, np.nan)
    high = np.where(n > 0, high, np.nan)
    return _maybe_scalar(low), _maybe_scalar(high)


def t_interval(mean, sd, n, *, confidence: float = 0.95):
    """t-based confidence interval for a mean: ``mean +- t(0.975, n-1) * sd / sqrt(n)``.

    Parameters
    ----------
    mean, sd, n : float or array_like
        Sample mean, sample standard deviation (``ddof=1``) and size.
    confidence : float
        Coverage, default 0.95.

    Returns
    -------
    (low, high) : tuple of float or of numpy arrays
        NaN where ``n < 2`` (no standard deviation).

    References
    ----------
    Student (1908). The probable error of a mean. Biometrika 6, 1-25.
    """
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, got {confidence!r}")
    mean = np.asarray(mean, dtype=float)
    sd = np.asarray(sd, dtype=float)
    n = np.asarray(n, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        df_ = np.where(n >= 2, n - 1, np.nan)
        t = _st.t.ppf(0.5 + confidence / 2, df_)
        half = t * sd / np.sqrt(n)
        low = np.where(n >= 2, mean - half, np.nan)
        high = np.where(n >= 2, mean + half, np.nan)
    return _maybe_scalar(low), _maybe_scalar(high)


# --------------------------------------------------------------------------- labels


def default_categories(column: str) -> tuple[str, ...]:
    """The categories of a column in questionnaire (contract) order.

    Code columns: their contract codes.  ``n_workers``: ``"0"`` .. ``"5"``,
    ``"meer_dan_5"`` (:data:`contract.WORKER_GROUPS`).  ``grade``: ``"1"`` .. ``"10"``.
    """
    if column in contract.CODES:
        return tuple(contract.CODES[column])
    if column == "n_workers":
        return tuple(contract.WORKER_GROUPS[k] for k in sorted(contract.WORKER_GROUPS))
    if column in contract.INT_RANGES:
        lo, hi = contract.INT_RANGES[column]
        return tuple(str(i) for i in range(lo, hi + 1))
    raise ValueError(f"column {column!r} has no contract codes; pass the categories explicitly")


def category_labels(df: pd.DataFrame, column: str) -> np.ndarray:
    """The column as an object array of category labels (``None`` = not answered).

    ``n_workers`` codes 0..6 become ``"0"`` .. ``"5"``, ``"meer_dan_5"``; other
    integer columns become their decimal text; code columns stay as they are.
    """
    if isinstance(df, Counts):
        if column not in df.frame.columns or column == "n":
            raise ValueError(f"the counts have no column {column!r}")
        out = np.array(df.frame[column].to_numpy(dtype=object), dtype=object, copy=True)
        out[pd.isna(out)] = None  # a text column may hold NA for "not answered"
        return out
    if column not in df.columns:
        raise ValueError(f"the frame has no column {column!r}")
    s = df[column]
    if isinstance(s.dtype, pd.StringDtype) and column not in contract.INT_RANGES:
        # text codes: the few distinct labels, taken per row (no Python string per cell)
        codes, uniques = pd.factorize(s, use_na_sentinel=True)
        lookup = np.array([*uniques.astype(object), None], dtype=object)
        return lookup[codes]
    missing = s.isna().to_numpy()
    if isinstance(s.dtype, pd.Int64Dtype):
        num = s.astype("Float64").to_numpy(dtype="float64", na_value=np.nan)
        return _integer_labels(column, num)
    values = s.astype(object).to_numpy()
    is_labels = column in contract.INT_RANGES and set(values[~missing]) <= set(default_categories(column))
    if column not in contract.INT_RANGES or is_labels:
        out = values.copy()
        out[missing] = None
        if not pd.api.types.is_string_dtype(s.dtype):
            out = np.array([v if v is None or isinstance(v, str) else str(v) for v in out], dtype=object)
        return out
    try:
        num = (
            pd.to_numeric(pd.Series(np.where(missing, np.nan, values), dtype=object), errors="raise")
            .astype("float64")
            .to_numpy()
        )
    except (ValueError, TypeError) as exc:
        raise ValueError(f"column {column!r}: values must be whole numbers ({exc})") from None
    return _integer_labels(column, num)


def _integer_labels(column: str, num: np.ndarray) -> np.ndarray:
    """Whole numbers (NaN = not answered) as labels, see :func:`category_labels`."""
    present = ~np.isnan(num)
    if np.any(present & (num != np.round(num))):
        raise ValueError(f"column {column!r}: values must be whole numbers")
    out = np.full(len(num), None, dtype=object)
    for code in np.unique(num[present]).astype(int):
        if column == "n_workers":
            if code not in contract.WORKER_GROUPS:
                raise ValueError(f"column 'n_workers': value {code} is outside 0..6")
            label = contract.WORKER_GROUPS[code]
        else:
            label = str(code)
        out[present & (num == code)] = label
    return out


def _as_tuple(values) -> tuple:
    if values is None:
        return ()
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        return (values,)
    return tuple(values)


def _resolve(column: str, given, what: str) -> tuple[tuple[str, ...], bool]:
    """Categories/groups as labels; returns (labels, explicit)."""
    if given is None:
        return default_categories(column), False
    labels = []
    for v in _as_tuple(given):
        if column == "n_workers" and not isinstance(v, str):
            v = contract.WORKER_GROUPS.get(int(v), str(v))
        labels.append(str(v))
    if not labels:
        raise ValueError(f"{what} for {column!r}: empty list")
    if len(set(labels)) != len(labels):
        raise ValueError(f"{what} for {column!r}: duplicates in {labels}")
    return tuple(labels), True


def _check_known(labels: np.ndarray, allowed: Sequence[str], column: str) -> None:
    allowed_set = set(allowed)
    unknown = sorted({v for v in pd.unique(labels) if v is not None and v not in allowed_set})
    if unknown:
        raise ValueError(
            f"column {column!r}: values {unknown} are not among the categories "
            f"{list(allowed)}; validate the data first (analysis.validation)"
        )


def _flags(n: np.ndarray, min_cell: int) -> tuple[np.ndarray, np.ndarray]:
    suppressed = n < min_cell
    indicative = (~suppressed) & (n < contract.INDICATIVE_BELOW)
    return suppressed, indicative


def secondary_suppression(n, suppressed, *, min_cell: int) -> np.ndarray:
    """Complementary (secondary) suppression over the groups of one grouped table.

    The groups of a table split a population whose total is shown elsewhere
    (the overall distribution, the overall mean grade, the key numbers).  If
    the hidden groups together are small, their answers follow by
    subtraction: total minus the shown groups.  So, after primary
    suppression (``n < min_cell``):

    1. count the respondents in the hidden groups that have data (``n > 0``;
       a group with ``n == 0`` reveals nothing and does not count);
    2. if that count is above 0 but below ``min_cell``, hide the smallest
       shown group with ``n > 0`` as well (the first in table order when two
       are equally small);
    3. repeat until the hidden groups hold at least ``min_cell``
       respondents, or every group with data is hidden.

    Parameters
    ----------
    n : array_like of int
        Base of each group, in table order.
    suppressed : array_like of bool
        Primary suppression of each group (usually ``n < min_cell``).
    min_cell : int
        The threshold.

    Returns
    -------
    numpy.ndarray of bool
        The final suppression of each group (primary or secondary).

    Examples
    --------
    Groups of 5, 40 and 30 with ``min_cell=10``: the 5 is hidden (primary),
    and so is the 30 (secondary), so that 40 + the total does not give the 5.
    Groups of 5 and 6 are hidden together (11 >= 10): nothing more.

    >>> secondary_suppression([5, 40, 30], [True, False, False], min_cell=10).tolist()
    [True, False, True]
    >>> secondary_suppression([5, 6, 40], [True, True, False], min_cell=10).tolist()
    [True, True, False]

    References
    ----------
    Hundepool et al. (2012), Statistical Disclosure Control, Wiley,
    chapter 4 (secondary cell suppression) and chapter 5.
    """
    min_cell = contract.check_min_cell(min_cell)
    n = np.asarray(n, dtype=float)
    hide = np.array(suppressed, dtype=bool, copy=True)
    if hide.shape != n.shape:
        raise ValueError("n and suppressed must have the same length")
    while True:
        hidden = float(n[hide & (n > 0)].sum())
        if hidden == 0 or hidden >= min_cell:
            break
        open_ = np.flatnonzero(~hide & (n > 0))
        if not len(open_):
            break
        hide[open_[np.argmin(n[open_])]] = True
    return hide


def _group_flags(n: np.ndarray, min_cell: int) -> tuple[np.ndarray, np.ndarray]:
    """Primary + secondary suppression and the indicative flag of the groups of one table."""
    primary, _ = _flags(n, min_cell)
    suppressed = secondary_suppression(n, primary, min_cell=min_cell)
    indicative = (~suppressed) & (n < contract.INDICATIVE_BELOW)
    return suppressed, indicative


def _proportion_columns(k: np.ndarray, n: np.ndarray, suppressed: np.ndarray, confidence: float):
    k = np.asarray(k, dtype=float)
    n = np.asarray(n, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = np.where(n > 0, 100.0 * k / n, np.nan)
    low, high = wilson_interval(k, n, confidence=confidence)
    low = np.asarray(low, dtype=float) * 100.0
    high = np.asarray(high, dtype=float) * 100.0
    pct = np.where(suppressed, np.nan, pct)
    low = np.where(suppressed, np.nan, low)
    high = np.where(suppressed, np.nan, high)
    return pct, low, high


def _int_col(values, hide: np.ndarray | None = None) -> pd.Series:
    arr = pd.array(np.asarray(values, dtype="int64"), dtype="Int64")
    s = pd.Series(arr)
    if hide is not None:
        s = s.mask(pd.Series(np.asarray(hide, dtype=bool)), pd.NA)
    return s


def _frame(columns: Sequence[str], data: dict) -> pd.DataFrame:
    out = pd.DataFrame({c: data[c] for c in columns})
    for c in columns:
        if c in ("suppressed", "indicative"):
            out[c] = out[c].astype(bool)
        elif c in ("pct", "ci_low", "ci_high", "mean", "sd", "statistic", "p_value"):
            out[c] = out[c].astype("float64")
    return out.reset_index(drop=True)


# --------------------------------------------------------------------------- distributions


def _distribution_block(
    labels: np.ndarray,
    categories: Sequence[str],
    min_cell: int,
    confidence: float,
    hide: bool = False,
    weights: np.ndarray | None = None,
) -> dict:
    w = np.ones(len(labels), dtype=np.int64) if weights is None else weights
    answered = pd.notna(labels)  # labels are text or None
    codes, uniq = pd.factorize(labels[answered])
    sums = np.bincount(codes, weights=w[answered], minlength=len(uniq))
    counts = {u: int(round(v)) for u, v in zip(uniq, sums)}
    base = int(w[answered].sum())
    k = np.array([counts.get(c, 0) for c in categories], dtype=float)
    nn = np.full(len(categories), base, dtype=float)
    suppressed, indicative = _flags(nn, min_cell)
    if hide:  # secondary suppression of this group
        suppressed = np.ones(len(categories), dtype=bool)
        indicative = np.zeros(len(categories), dtype=bool)
    pct, low, high = _proportion_columns(k, nn, suppressed, confidence)
    return {
        "category": list(categories),
        "n": _int_col(k, hide=suppressed),
        "pct": pct,
        "ci_low": low,
        "ci_high": high,
        "suppressed": suppressed,
        "indicative": indicative,
        "_base": base,
    }


def distribution(
    df: pd.DataFrame,
    *,
    column: str,
    min_cell: int = contract.DEFAULT_MIN_CELL,
    categories: Sequence | None = None,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Distribution of the answers to one question, with Wilson intervals.

    Parameters
    ----------
    df : pandas.DataFrame
        Canonical response frame, already filtered.
    column : str
        Question (contract column), e.g. ``"explained_at_start"`` or ``"n_workers"``.
    min_cell : int
        Bases below this are suppressed (default 10).
    categories : sequence, optional
        Categories in display order; default the contract codes (for
        ``n_workers`` the labels ``"0"`` .. ``"5"``, ``"meer_dan_5"``).  Every
        answer must be one of them, otherwise :class:`ValueError`.
    confidence : float
        Interval coverage, default 0.95.

    Returns
    -------
    pandas.DataFrame
        One row per category (also with n = 0), columns ``category, n, pct,
        ci_low, ci_high, suppressed, indicative``.  The base (number of
        answers; empty cells left out) is the same for every row; when it is
        below ``min_cell`` every row is suppressed and ``n`` is hidden.

    References
    ----------
    Wilson (1927); Newcombe (1998).
    """
    min_cell = contract.check_min_cell(min_cell)
    cats, _ = _resolve(column, categories, "categories")
    labels = category_labels(df, column)
    _check_known(labels, cats, column)
    block = _distribution_block(labels, cats, min_cell, confidence, weights=_weights(df))
    return _frame(DISTRIBUTION_COLUMNS, block)


def _group_labels(df: pd.DataFrame, group: str, groups) -> tuple[np.ndarray, tuple[str, ...]]:
    glabels = category_labels(df, group)
    gcats, explicit = _resolve(group, groups, "groups")
    if not explicit:
        _check_known(glabels, gcats, group)
    return glabels, gcats


def distribution_by_group(
    df: pd.DataFrame,
    *,
    column: str,
    group: str,
    min_cell: int = contract.DEFAULT_MIN_CELL,
    categories: Sequence | None = None,
    groups: Sequence | None = None,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Distribution of one question within each group of another column.

    Parameters
    ----------
    df : pandas.DataFrame
        Canonical response frame, already filtered.
    column : str
        The question whose answers are counted.
    group : str
        The grouping column, e.g. ``"respondent_type"``.
    min_cell : int
        A group whose base (answers to ``column`` in that group) is below this
        is suppressed as a whole: ``n``, ``pct`` and interval hidden.  Then
        secondary suppression (:func:`secondary_suppression`): while the
        suppressed groups with answers hold fewer than ``min_cell`` answers
        together, the smallest shown group is suppressed as well, so that no
        group follows from the overall distribution by subtraction.
    categories : sequence, optional
        Categories of ``column`` (default: contract codes).
    groups : sequence, optional
        Groups in display order (default: the contract codes of ``group``,
        and then an unknown value raises).  When given, rows in other groups
        and rows with an empty ``group`` are left out.
    confidence : float
        Interval coverage, default 0.95.

    Returns
    -------
    pandas.DataFrame
        Columns ``group, category, n, pct, ci_low, ci_high, suppressed,
        indicative``; groups in order, categories in order, all present.
    """
    min_cell = contract.check_min_cell(min_cell)
    cats, _ = _resolve(column, categories, "categories")
    labels = category_labels(df, column)
    _check_known(labels, cats, column)
    glabels, gcats = _group_labels(df, group, groups)
    w = _weights(df)
    answered = pd.notna(labels)
    bases = np.array([w[answered & (glabels == g)].sum() for g in gcats], dtype=float)
    hide, _ = _group_flags(bases, min_cell)
    parts = []
    for g, h in zip(gcats, hide):
        in_g = glabels == g
        block = _distribution_block(labels[in_g], cats, min_cell, confidence, hide=bool(h), weights=w[in_g])
        block["group"] = [g] * len(cats)
        parts.append(_frame(DISTRIBUTION_BY_GROUP_COLUMNS, block))
    out = pd.concat(parts, ignore_index=True)
    out["n"] = out["n"].astype("Int64")
    return out


def group_bases(df: pd.DataFrame, *, column: str, group: str, groups: Sequence | None = None) -> dict[str, int]:
    """Number of answers to ``column`` in each group (the bases of :func:`distribution_by_group`)."""
    labels = category_labels(df, column)
    glabels, gcats = _group_labels(df, group, groups)
    w = _weights(df)
    answered = pd.notna(labels)
    return {g: int(w[answered & (glabels == g)].sum()) for g in gcats}


# --------------------------------------------------------------------------- means


def _numeric(df: pd.DataFrame, column: str) -> np.ndarray:
    if isinstance(df, Counts):
        values = pd.Series(category_labels(df, column), dtype=object)
    elif column not in df.columns:
        raise ValueError(f"the frame has no column {column!r}")
    else:
        values = df[column].astype(object)
    return pd.to_numeric(values, errors="raise").astype("float64").to_numpy()


def mean_by_group(
    df: pd.DataFrame,
    *,
    value: str = "grade",
    group: str = "n_workers",
    min_cell: int = contract.DEFAULT_MIN_CELL,
    groups: Sequence | None = None,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Mean of a numeric answer per group, with t-based intervals.

    Parameters
    ----------
    df : pandas.DataFrame
        Canonical response frame, already filtered.
    value : str
        Numeric column, default ``"grade"`` (1-10).
    group : str
        Grouping column, default ``"n_workers"`` (groups ``"0"`` .. ``"5"``,
        ``"meer_dan_5"``).
    min_cell : int
        Groups with fewer respondents are suppressed (mean, sd, interval NaN;
        ``n`` stays visible).  Then secondary suppression
        (:func:`secondary_suppression`): while the suppressed groups with data
        hold fewer than ``min_cell`` respondents together, the smallest shown
        group is suppressed too, so that a hidden mean cannot be worked out
        from the overall mean grade and the shown groups.
    groups : sequence, optional
        Groups in order (default: all codes of ``group``, present with n = 0).
    confidence : float
        Interval coverage, default 0.95.

    Returns
    -------
    pandas.DataFrame
        Columns ``group, n, mean, sd, ci_low, ci_high, suppressed,
        indicative``.  ``n`` counts respondents with both ``group`` and
        ``value`` answered; ``sd`` uses ``ddof=1``; the interval is
        ``mean +- t(0.975, n-1) * sd / sqrt(n)``.
    """
    min_cell = contract.check_min_cell(min_cell)
    x = _numeric(df, value)
    glabels, gcats = _group_labels(df, group, groups)
    w = _weights(df)
    ns, means, sds = [], [], []
    for g in gcats:
        sel = (glabels == g) & ~np.isnan(x)
        m, mean, sd = mean_sd(x[sel], w[sel])
        ns.append(m)
        means.append(mean)
        sds.append(sd)
    n = np.array(ns, dtype=float)
    means = np.array(means, dtype=float)
    sds = np.array(sds, dtype=float)
    low, high = t_interval(means, sds, n, confidence=confidence)
    suppressed, indicative = _group_flags(n, min_cell)
    hide = lambda a: np.where(suppressed, np.nan, a)  # noqa: E731
    return _frame(
        MEAN_BY_GROUP_COLUMNS,
        {
            "group": list(gcats),
            "n": _int_col(n),
            "mean": hide(means),
            "sd": hide(sds),
            "ci_low": hide(np.asarray(low, dtype=float)),
            "ci_high": hide(np.asarray(high, dtype=float)),
            "suppressed": suppressed,
            "indicative": indicative,
        },
    )


# --------------------------------------------------------------------------- percentages


def pct_by_group(
    df: pd.DataFrame,
    *,
    items: Sequence[str],
    group: str,
    positive: Any = "ja",
    groups: Sequence | None = None,
    min_cell: int = contract.DEFAULT_MIN_CELL,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Percentage of positive answers to several items, per group.

    Parameters
    ----------
    df : pandas.DataFrame
        Canonical response frame, already filtered.
    items : sequence of str
        Question columns, e.g. the ``quality_*`` items.
    group : str
        Grouping column, e.g. ``"had_gap"``.
    positive : str or sequence of str
        The answer code(s) counted as positive (default ``"ja"``).
    groups : sequence, optional
        Groups in order.  When given, respondents in other groups (or with an
        empty group) are left out; default all codes of ``group``.
    min_cell : int
        Item-group cells with a base below this are suppressed
        (``n_positive``, ``pct`` and interval hidden, ``n`` visible).  Then,
        per item, secondary suppression (:func:`secondary_suppression`):
        while the suppressed groups with answers hold fewer than ``min_cell``
        answers together, the smallest shown group of that item is
        suppressed too.
    confidence : float
        Interval coverage, default 0.95.

    Returns
    -------
    pandas.DataFrame
        Columns ``item, group, n, n_positive, pct, ci_low, ci_high,
        suppressed, indicative``; ``n`` is the number of answers to the item
        in the group.
    """
    min_cell = contract.check_min_cell(min_cell)
    items = list(_as_tuple(items))
    if not items:
        raise ValueError("pct_by_group needs at least one item")
    pos = {str(p) for p in _as_tuple(positive)}
    glabels, gcats = _group_labels(df, group, groups)
    w = _weights(df)
    rows_item, rows_group, ns, ks = [], [], [], []
    for item in items:
        labels = category_labels(df, item)
        if item in contract.CODES:
            unknown = pos - set(contract.CODES[item])
            if unknown:
                raise ValueError(f"positive {sorted(unknown)} is not a code of {item!r}")
            _check_known(labels, contract.CODES[item], item)
        is_answered = pd.notna(labels)  # labels are text or None
        is_positive = pd.Series(labels, dtype=object).isin(list(pos)).to_numpy()
        for g in gcats:
            in_group = glabels == g
            rows_item.append(item)
            rows_group.append(g)
            ns.append(int(w[is_answered & in_group].sum()))
            ks.append(int(w[is_positive & in_group].sum()))
    n = np.array(ns, dtype=float)
    k = np.array(ks, dtype=float)
    suppressed = np.zeros(len(n), dtype=bool)
    indicative = np.zeros(len(n), dtype=bool)
    width = len(gcats)
    for i in range(len(items)):  # secondary suppression per item
        block = slice(i * width, (i + 1) * width)
        suppressed[block], indicative[block] = _group_flags(n[block], min_cell)
    pct, low, high = _proportion_columns(k, n, suppressed, confidence)
    return _frame(
        PCT_BY_GROUP_COLUMNS,
        {
            "item": rows_item,
            "group": rows_group,
            "n": _int_col(n),
            "n_positive": _int_col(k, hide=suppressed),
            "pct": pct,
            "ci_low": low,
            "ci_high": high,
            "suppressed": suppressed,
            "indicative": indicative,
        },
    )


def share(
    df: pd.DataFrame, *, column: str, values: Any, min_cell: int = contract.DEFAULT_MIN_CELL, confidence: float = 0.95
) -> pd.DataFrame:
    """Share of the answers to one question that fall in a set of categories.

    For example the share with 4 or more workers:
    ``share(df, column="n_workers", values=[4, 5, 6])``.

    Parameters
    ----------
    df : pandas.DataFrame
        Canonical response frame, already filtered.
    column : str
        Question column.
    values : value or sequence
        Categories counted as positive (codes; for ``n_workers`` also the
        integers 0..6).
    min_cell : int
        A base below this is suppressed (``n_positive``, ``pct`` and interval
        hidden, ``n`` visible).
    confidence : float
        Interval coverage, default 0.95.

    Returns
    -------
    pandas.DataFrame
        One row, columns ``item, category, n, n_positive, pct, ci_low,
        ci_high, suppressed, indicative``; ``item`` is the column and
        ``category`` the chosen categories joined by ``"|"`` in
        questionnaire order.
    """
    min_cell = contract.check_min_cell(min_cell)
    cats = default_categories(column)
    chosen, _ = _resolve(column, values, "values")
    unknown = [v for v in chosen if v not in cats]
    if unknown:
        raise ValueError(f"values {unknown} are not categories of {column!r} ({list(cats)})")
    labels = category_labels(df, column)
    _check_known(labels, cats, column)
    chosen_set = set(chosen)
    w = _weights(df)
    n = np.array([w[pd.notna(labels)].sum()], dtype=float)
    k = np.array([w[pd.Series(labels, dtype=object).isin(list(chosen_set)).to_numpy()].sum()], dtype=float)
    suppressed, indicative = _flags(n, min_cell)
    pct, low, high = _proportion_columns(k, n, suppressed, confidence)
    return _frame(
        SHARE_COLUMNS,
        {
            "item": [column],
            "category": ["|".join(c for c in cats if c in chosen_set)],
            "n": _int_col(n),
            "n_positive": _int_col(k, hide=suppressed),
            "pct": pct,
            "ci_low": low,
            "ci_high": high,
            "suppressed": suppressed,
            "indicative": indicative,
        },
    )


# --------------------------------------------------------------------------- trend tests


def jonckheere_terpstra(samples: Sequence[Sequence[float]]) -> dict:
    """Two-sided Jonckheere-Terpstra test for an ordered trend over k samples.

    Wraps :func:`statsmodels.stats.nonparametric.jonckheere_terpstra`
    (``alternative="two-sided"``).  The order of ``samples`` is the
    hypothesised order.

    Returns
    -------
    dict
        ``j``: the JT statistic (sum over ordered pairs of groups of the
        Mann-Whitney counts, ties count one half); ``z``: the standardized
        statistic ``(J - E0(J)) / sqrt(Var0(J))`` with the tie-corrected null
        variance (negative: later groups tend to lower values); ``p_value``:
        two-sided, from the normal approximation.  NaN when undefined
        (fewer than 2 samples, or all values tied).

    Examples
    --------
    Three groups that rise: of the 27 ordered pairs 23 go up and 3 are
    tied (one half each), so J = 24.5 and z is positive.

    >>> r = jonckheere_terpstra([[1, 2, 3], [2, 3, 4], [4, 5, 6]])
    >>> r["j"], round(r["z"], 2)
    (24.5, 2.48)
    >>> jonckheere_terpstra([[1, 2, 3]])["p_value"]
    nan

    References
    ----------
    Jonckheere (1954); Terpstra (1952); Hollander, Wolfe & Chicken (2014),
    section 6.2 (worked example: J = 79, motivation data, table 6.1).
    """
    samples = [np.asarray(s, dtype=float) for s in samples if len(s)]
    nan = {"j": math.nan, "z": math.nan, "p_value": math.nan}
    if len(samples) < 2:
        return nan
    try:
        res = _sm_jonckheere_terpstra(samples, alternative="two-sided")
    except ValueError:
        return nan
    return {"j": float(res.statistic), "z": float(res.zstat), "p_value": float(res.pvalue)}


def trend_results(
    df: pd.DataFrame,
    *,
    value: str = "grade",
    group: str = "n_workers",
    groups: Sequence | None = None,
    min_cell: int = contract.DEFAULT_MIN_CELL,
) -> dict:
    """The trend tests of :func:`trend_tests` as a dict (also the raw JT statistic).

    The tests are computed over the shown groups only: a group that
    :func:`mean_by_group` suppresses with the same ``min_cell`` (primary or
    secondary suppression) is left out, so that the tests reveal nothing of
    a hidden group.  ``min_cell=0`` uses every group with data.

    Returns ``{"n": ..., "n_groups": ..., "groups": [...], "kruskal_wallis":
    {"statistic", "p_value"}, "spearman": {"rho", "p_value"},
    "jonckheere_terpstra": {"statistic", "p_value", "j"}}`` where ``n`` is
    the number of respondents in the tests, ``groups`` the shown groups with
    data (``n_groups`` of them), the JT ``statistic`` the standardized z and
    ``j`` the raw J.  Every value is NaN when fewer than two groups are shown.
    """
    min_cell = contract.check_min_cell(min_cell)
    x = _numeric(df, value)
    glabels, gcats = _group_labels(df, group, groups)
    score = {g: i for i, g in enumerate(gcats)}
    answered = ~np.isnan(x)
    w = _weights(df)
    n_group = np.array([w[answered & (glabels == g)].sum() for g in gcats], dtype=float)
    hidden, _ = _group_flags(n_group, min_cell)
    shown = [g for g, h, m in zip(gcats, hidden, n_group) if not h and m > 0]
    # the tests are functions of the table of counts (shown group x value): one pass over the rows
    gidx = np.full(len(glabels), -1, dtype=np.int64)
    for i, g in enumerate(shown):
        gidx[glabels == g] = i
    keep = answered & (gidx >= 0)
    values, vidx = np.unique(x[keep], return_inverse=True)
    table = np.bincount(gidx[keep] * len(values) + vidx.ravel(), weights=w[keep], minlength=len(shown) * len(values))
    table = np.rint(table).astype(np.int64)
    out = {"n": int(w[keep].sum()), "n_groups": len(shown), "groups": shown}
    out.update(trend_from_counts(table.reshape(len(shown), len(values)), scores=[score[g] for g in shown]))
    return out


def trend_from_counts(table, *, scores: Sequence[float] | None = None) -> dict:
    """Kruskal-Wallis, Spearman and Jonckheere-Terpstra from a table of counts.

    Parameters
    ----------
    table : array of int, shape (groups, values)
        ``table[g, v]``: respondents of group ``g`` (in the hypothesised
        order) with the ``v``-th smallest value.  Groups without respondents
        are left out; the values need not be listed, only their order.
    scores : sequence, optional
        The position of each group for Spearman, one per row, all different
        (default 0, 1, ...).

    Returns
    -------
    dict
        ``kruskal_wallis`` ``{statistic, p_value}`` (H with the tie
        correction, chi-square with groups - 1 df), ``spearman`` ``{rho,
        p_value}`` (midranks; t with n - 2 df, as :func:`scipy.stats.spearmanr`),
        ``jonckheere_terpstra`` ``{statistic, p_value, j}`` (standardized z
        with the tie-corrected variance, two-sided normal p, raw J with ties
        counting one half; as :func:`statsmodels.stats.nonparametric.jonckheere_terpstra`).
        NaN where a test is undefined (fewer than two groups with data, all
        values tied).

    Notes
    -----
    Every rank statistic of a grouped ordinal answer depends on the rows
    only through this table (respondents with the same group and value
    share a midrank), so the tests of a million answers cost as much as
    those of a thousand.  ``tests/test_stats.py`` pins them to SciPy and
    statsmodels on the rows.

    References
    ----------
    Kruskal & Wallis (1952); Spearman (1904); Jonckheere (1954); Hollander,
    Wolfe & Chicken (2014), sections 6.1-6.2 and 8.5.
    """
    C = np.asarray(table, dtype=np.int64)
    if C.ndim != 2:
        raise ValueError("table must have one row per group and one column per value")
    scores_ = np.arange(len(C), dtype=float) if scores is None else np.asarray(scores, dtype=float)
    if scores_.shape != (len(C),) or len(np.unique(scores_)) != len(C):
        raise ValueError("scores must give each group (row of the table) its own position")
    keep = C.sum(axis=1) > 0
    C, scores_ = C[keep], scores_[keep]
    C = C[:, C.sum(axis=0) > 0]
    nan = math.nan
    out = {
        "kruskal_wallis": {"statistic": nan, "p_value": nan},
        "spearman": {"rho": nan, "p_value": nan},
        "jonckheere_terpstra": {"statistic": nan, "p_value": nan, "j": nan},
    }
    k = len(C)
    if k < 2:
        return out
    Cf = C.astype(float)
    ng = Cf.sum(axis=1)  # respondents per group
    tv = Cf.sum(axis=0)  # respondents per value (tie blocks)
    N = float(ng.sum())
    rank_v = np.cumsum(tv) - tv + (tv + 1) / 2  # midrank of each value
    ties = float((tv**3 - tv).sum())
    if ties < N**3 - N:  # not every answer the same
        R = Cf @ rank_v
        h = 12.0 / (N * (N + 1)) * float((R**2 / ng).sum()) - 3 * (N + 1)
        h /= 1 - ties / (N**3 - N)
        out["kruskal_wallis"] = {"statistic": float(h), "p_value": float(_st.chi2.sf(h, k - 1))}
        # Spearman: Pearson correlation of the midranks of group and value
        order = np.argsort(scores_, kind="stable")
        rank_g = np.empty(k)
        rank_g[order] = np.cumsum(ng[order]) - ng[order] + (ng[order] + 1) / 2
        mg, mv = float(ng @ rank_g) / N, float(tv @ rank_v) / N
        dg, dv = rank_g - mg, rank_v - mv
        cov = float(dg @ Cf @ dv)
        rho = cov / math.sqrt(float(ng @ dg**2) * float(tv @ dv**2))
        rho = max(-1.0, min(1.0, rho))
        dof = N - 2
        with np.errstate(divide="ignore"):
            t = (
                rho * math.sqrt(max(0.0, dof / ((rho + 1.0) * (1.0 - rho))))
                if abs(rho) < 1
                else math.copysign(math.inf, rho)
            )
        out["spearman"] = {"rho": rho, "p_value": float(2 * _st.t.sf(abs(t), dof)) if dof > 0 else nan}
    # Jonckheere-Terpstra over the tie blocks of the values (the groups in table order)
    below = np.cumsum(Cf, axis=1) - Cf  # per group: respondents with a smaller value
    lower_groups = np.cumsum(below, axis=0) - below  # ... in earlier groups
    block_lower = np.cumsum(Cf, axis=0) - Cf  # same value, earlier groups
    j = float((Cf * lower_groups).sum() + 0.5 * (Cf * block_lower).sum())
    pairs_between = float(ng[1:] @ np.cumsum(ng)[:-1])
    m = N * (N - 1.0)
    var_s = (m * (2 * N + 5) - (ng * (ng - 1) * (2 * ng + 5)).sum() - (tv * (tv - 1) * (2 * tv + 5)).sum()) / 18.0
    var_s += 2.0 * (ng * (ng - 1) / 2).sum() * (tv * (tv - 1) / 2).sum() / m
    if N > 2:
        var_s += (ng * (ng - 1) * (ng - 2)).sum() * (tv * (tv - 1) * (tv - 2)).sum() / (9.0 * m * (N - 2.0))
    if var_s > 0:
        z = (2.0 * j - pairs_between) / math.sqrt(var_s)
        out["jonckheere_terpstra"] = {"statistic": float(z), "p_value": float(2 * _st.norm.sf(abs(z))), "j": j}
    return out


def trend_tests(
    df: pd.DataFrame,
    *,
    value: str = "grade",
    group: str = "n_workers",
    groups: Sequence | None = None,
    min_cell: int = contract.DEFAULT_MIN_CELL,
) -> pd.DataFrame:
    """Tests of a numeric answer against an ordered grouping (grade by number of workers).

    Uses respondents with both ``value`` and ``group`` answered, in the
    groups that :func:`mean_by_group` shows with the same ``min_cell``:
    **the tests are computed over the shown groups only**.  Groups hidden by
    primary or secondary suppression are left out (with them in, a test
    statistic over a shown and a hidden group would give away the hidden
    group's grades, e.g. its mean rank or its Mann-Whitney count).

    * ``kruskal_wallis``: :func:`scipy.stats.kruskal` over the groups with
      data; statistic H (tie-corrected).
    * ``spearman``: :func:`scipy.stats.spearmanr` of the group position
      (for ``n_workers`` the code 0..6) against ``value``; statistic rho.
    * ``jonckheere_terpstra``: two-sided, groups with data in code order;
      the statistic is the **standardized** z (tie-corrected variance), so it
      is comparable across sample sizes and its sign gives the direction
      (negative: more workers, lower grade).  The raw J is in
      :func:`trend_results`.

    Values are NaN when a test is undefined (fewer than two shown groups
    with data, or no variation).  ``min_cell=0`` uses every group with data
    (no suppression).

    Returns
    -------
    pandas.DataFrame
        Rows ``kruskal_wallis``, ``spearman``, ``jonckheere_terpstra``;
        columns ``test, statistic, p_value, n`` (``n``: respondents in the
        shown groups).

    References
    ----------
    Kruskal & Wallis (1952); Spearman (1904); Jonckheere (1954).
    """
    r = trend_results(df, value=value, group=group, groups=groups, min_cell=min_cell)
    return _frame(
        TREND_TEST_COLUMNS,
        {
            "test": list(TREND_TESTS),
            "statistic": [
                r["kruskal_wallis"]["statistic"],
                r["spearman"]["rho"],
                r["jonckheere_terpstra"]["statistic"],
            ],
            "p_value": [r["kruskal_wallis"]["p_value"], r["spearman"]["p_value"], r["jonckheere_terpstra"]["p_value"]],
            "n": _int_col([r["n"]] * 3),
        },
    )
