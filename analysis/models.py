"""Regression models of the report grade: linear (OLS with HC3 errors) and ordinal (proportional odds).

* :func:`ols_grade` / :func:`ols_grade_fit`: ordinary least squares of
  ``grade`` (1-10) with heteroskedasticity-consistent HC3 standard errors.
* :func:`ordinal_grade` / :func:`ordinal_grade_fit`: cumulative logit (or
  probit) model of ``grade`` as an ordered outcome, printed the way R's
  ``MASS::polr``, Stata's ``ologit`` and SPSS PLUM print it.
* :func:`ordinal_fit`: the same ordinal model on any frame with numeric
  predictors (used to reproduce published fits).
* :func:`grade_model`: either grade model fitted once, with both its
  coefficient table and its fit statistics (a :class:`GradeModel`).
* :func:`model_frame`: the design both grade models use.

Predictors
----------
Any coded contract column (``measure_type``, ``respondent_type``, the answer
items), ``gi``, ``round_id`` and ``n_workers``.  Coded predictors are dummy
coded; the **reference level is the first code in questionnaire order** that
occurs in the data (for example ``opinion_asked = altijd``, ``measure_type =
jeugdreclassering``), so every coefficient ``column[code]`` is the difference
with that first answer.  ``gi`` uses the order of :data:`analysis.contract.GI_CODES`,
``round_id`` sorted order.  ``n_workers`` (0..6, 6 = "meer dan 5") is one
numeric term by default (``n_workers_as="numeric"``) or dummy coded with
reference ``"0"`` (``n_workers_as="categorical"``; labels ``"0"`` .. ``"5"``,
``"meer_dan_5"``).  ``weet_niet`` / ``geen_plan_bekend`` are categories like
any other.  Respondents with any of the used columns empty are left out
(complete cases).

Frequency weights
-----------------
``weights`` names a column of whole numbers >= 0: a row with weight ``w``
counts as ``w`` identical respondents (Stata ``fweight``).  The OLS model
replicates the rows, so estimates, HC3 errors, ``n``, R^2 and AIC equal those
of the expanded data exactly (statsmodels 0.15's ``GLM(freq_weights=...)``
with ``cov_type="HC3"`` does *not*: its leverages are those of the collapsed
rows).  The ordinal model multiplies each row's log-likelihood by its weight
(same maximum and information matrix as the expanded data).

Small-cell safety
-----------------
A model is refused (:class:`ModelRefused`, a :class:`ValueError` with a
Dutch and an English sentence) when a used category of a predictor has fewer
than ``min_cell`` respondents, when a predictor or the grade does not vary,
or when there are fewer than :data:`OBS_PER_PARAMETER` (10) respondents per
estimated parameter (Harrell 2015, 4.4: about 10-20 per parameter).

With ``cross_min_cell`` (:func:`grade_model`, :func:`model_frame`; the
protected model builder, :meth:`analysis.protection.ProtectedView.grade_model`,
always passes it) and two or more dummy-coded predictors the model is also
refused (``modelsafe.model.small_cross_cell``) unless every cell of their cross
classification (complete cases) holds 0 or at least ``min_cell``
respondents (``cross_min_cell``): ``X'X`` of main-effect dummies holds those cross counts, and
``n`` of one predictor set minus ``n`` of another is a union of them, so
several fits would give away cross cells no protected table publishes
(Gomatam, Karr, Reiter & Sanil 2005, "Data dissemination and disclosure
limitation in a world without microdata", Statistical Science 20, 163-177;
issue 9 M2).  A numeric ``n_workers`` is not a coded predictor here.

References
----------
.. [1] MacKinnon, J. G. & White, H. (1985). Some heteroskedasticity-consistent
   covariance matrix estimators with improved finite sample properties.
   Journal of Econometrics 29, 305-325 (HC3).
.. [2] Long, J. S. & Ervin, L. H. (2000). Using heteroscedasticity consistent
   standard errors in the linear regression model. The American
   Statistician 54, 217-224 (HC3 for n < 250).
.. [3] McCullagh, P. (1980). Regression models for ordinal data. JRSS B 42,
   109-142 (proportional odds model).
.. [4] Agresti, A. (2010). Analysis of Ordinal Categorical Data, 2nd ed.,
   Wiley, chapter 3.
.. [5] Venables, W. N. & Ripley, B. D. (2002). Modern Applied Statistics with
   S, 4th ed., 7.3 (``polr``: logit P(Y <= j) = zeta_j - eta).
.. [6] Harrell, F. E. (2015). Regression Modeling Strategies, 2nd ed., 4.4.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats as _st
from statsmodels.miscmodels.ordinal_model import OrderedModel

from . import contract, i18n
from .stats import category_labels, default_categories

#: Minimum number of respondents per estimated parameter.
OBS_PER_PARAMETER = 10
#: Columns that can be predictors.
PREDICTORS: tuple[str, ...] = tuple(
    c for c in contract.COLUMNS if c in contract.CODES or c in ("gi", "round_id", "n_workers")
)
OUTCOME = "grade"
INTERCEPT = "Intercept"

MODEL_COLUMNS = ("term", "estimate", "se", "ci_low", "ci_high", "statistic", "p_value")
ORDINAL_COLUMNS = ("term", "kind", "estimate", "se", "ci_low", "ci_high", "statistic", "p_value")
FIT_COLUMNS = ("statistic", "value")


class ModelRefused(ValueError):
    """The model cannot be fitted safely (too few respondents, or no variation).

    ``key`` and ``params`` name the reason in the catalog
    (:func:`analysis.i18n.text`, :func:`analysis.views.refusal_text`); the
    message holds it in every language, separated by " / ".
    """

    def __init__(self, key: str, **params):
        self.key, self.params = key, params
        super().__init__(" / ".join(i18n.text(key, lang, **params) for lang in i18n.languages()))

    def __reduce__(self):
        return (_refusal, (self.key, self.params))


def _refusal(key: str, params: dict) -> ModelRefused:
    return ModelRefused(key, **params)


def _refuse(key: str, **params) -> ModelRefused:
    return ModelRefused(key, **params)


@dataclass(frozen=True)
class ModelFrame:
    """Design of a grade model: outcome ``y``, predictor matrix ``X`` (named terms), weights ``w``.

    ``X`` has no intercept column; ``references`` maps each coded predictor to
    its reference level; ``n`` is the number of respondents (sum of weights).
    """

    y: np.ndarray
    X: pd.DataFrame
    w: np.ndarray
    references: dict
    n: int


# --------------------------------------------------------------------------- design


def _frequency_weights(df: pd.DataFrame, weights: str | None) -> np.ndarray:
    if weights is None:
        return np.ones(len(df), dtype=np.int64)
    if weights not in df.columns:
        raise ValueError(f"the frame has no weights column {weights!r}")
    w = pd.to_numeric(df[weights].astype(object), errors="coerce").astype("float64").to_numpy()
    if np.isnan(w).any():
        raise ValueError(f"weights column {weights!r} has empty or non-numeric values")
    if (w < 0).any() or (w != np.round(w)).any():
        raise ValueError(f"weights column {weights!r} must hold whole numbers >= 0 (frequency weights)")
    return w.astype(np.int64)


def _categories(column: str, labels: np.ndarray) -> tuple[str, ...]:
    observed = {v for v in labels if v is not None}
    if column == "gi":
        return tuple(contract.GI_CODES) + tuple(sorted(observed - set(contract.GI_CODES)))
    if column == "round_id":
        return tuple(sorted(observed))
    cats = default_categories(column)
    unknown = sorted(observed - set(cats))
    if unknown:
        raise ValueError(f"column {column!r}: unknown codes {unknown}; validate the data first")
    return cats


def model_frame(
    df: pd.DataFrame,
    *,
    predictors: Sequence[str],
    weights: str | None = None,
    n_workers_as: Literal["numeric", "categorical"] = "numeric",
    min_cell: int = contract.DEFAULT_MIN_CELL,
    cross_min_cell: int | None = None,
) -> ModelFrame:
    """Complete cases, dummy coding and small-cell checks shared by the grade models.

    Parameters
    ----------
    df : pandas.DataFrame
        Canonical response frame, already filtered (plus the weights column).
    predictors : list of str
        Predictor columns (:data:`PREDICTORS`), each once.
    weights : str, optional
        Column of frequency weights (whole numbers >= 0).
    n_workers_as : {"numeric", "categorical"}
        How ``n_workers`` enters the model.
    min_cell : int
        Every used category of a coded predictor needs at least this many
        respondents, else :class:`ModelRefused`.
    cross_min_cell : int, optional
        With two or more dummy-coded predictors, every cell of their cross
        classification needs 0 or at least this many respondents, else
        :class:`ModelRefused` (``modelsafe.model.small_cross_cell``; issue 9 M2).

    Returns
    -------
    ModelFrame
        ``X`` columns are named ``"column[code]"`` for dummies and
        ``"n_workers"`` for the numeric term.  Rows with weight 0 are dropped.
    """
    min_cell = contract.check_min_cell(min_cell)
    predictors = [predictors] if isinstance(predictors, str) else list(predictors)
    if not predictors:
        raise ValueError("give at least one predictor")
    if len(set(predictors)) != len(predictors):
        raise ValueError(f"a predictor is given twice: {predictors}")
    for p in predictors:
        if p not in PREDICTORS:
            raise ValueError(f"{p!r} cannot be a predictor; choose from {', '.join(PREDICTORS)}")
        if p not in df.columns:
            raise ValueError(f"the frame has no column {p!r}")
    if n_workers_as not in ("numeric", "categorical"):
        raise ValueError("n_workers_as must be 'numeric' or 'categorical'")
    if OUTCOME not in df.columns:
        raise ValueError(f"the frame has no column {OUTCOME!r}")

    w = _frequency_weights(df, weights)
    y = pd.to_numeric(df[OUTCOME].astype(object), errors="raise").astype("float64").to_numpy()
    keep = ~np.isnan(y) & (w > 0)
    labels = {}
    for p in predictors:
        labels[p] = category_labels(df, p)
        keep &= np.array([v is not None for v in labels[p]], dtype=bool)
    y, w = y[keep], w[keep]
    n = int(w.sum())

    columns: dict[str, np.ndarray] = {}
    references: dict[str, str] = {}
    for p in predictors:
        lab = labels[p][keep]
        if p == "n_workers" and n_workers_as == "numeric":
            x = pd.to_numeric(df.loc[keep, p].astype(object)).astype("float64").to_numpy()
            if len(x) == 0 or np.ptp(x) == 0:
                raise _refuse("models.refused.one_value", predictor=p)
            columns[p] = x
            continue
        cats = _categories(p, lab)
        counts = {c: int(w[lab == c].sum()) for c in cats}
        used = [c for c in cats if counts[c] > 0]
        for c in used:
            if counts[c] < min_cell:
                raise _refuse("models.refused.small_category", predictor=p, category=c, min_cell=min_cell)
        if len(used) < 2:
            raise _refuse("models.refused.one_answer", predictor=p)
        references[p] = used[0]
        for c in used[1:]:
            columns[f"{p}[{c}]"] = (lab == c).astype(float)
    if cross_min_cell is not None:
        _check_cross_cells({p: labels[p][keep] for p in references}, w, contract.check_min_cell(cross_min_cell))
    X = pd.DataFrame(columns, index=pd.RangeIndex(len(y)))
    return ModelFrame(y=y, X=X, w=w, references=references, n=n)


def cross_cells(labels: dict[str, np.ndarray], w: np.ndarray) -> pd.Series:
    """Respondents (sum of weights) per cell of the cross classification of coded predictors."""
    if not labels:
        return pd.Series(dtype="int64")
    frame = pd.DataFrame({p: pd.Series(v, dtype=object).astype(str) for p, v in labels.items()})
    return pd.Series(w, dtype="int64").groupby([frame[p] for p in labels], sort=True).sum()


def _check_cross_cells(labels: dict[str, np.ndarray], w: np.ndarray, min_cell: int) -> None:
    """Refuse when two or more coded predictors cross into a cell of 1 to ``min_cell - 1`` respondents."""
    if len(labels) < 2 or min_cell <= 1:
        return
    counts = cross_cells(labels, w)
    if ((counts > 0) & (counts < min_cell)).any():
        raise _refuse("modelsafe.model.small_cross_cell", min_cell=min_cell)


def _check_size(n: int, k: int) -> None:
    if n < OBS_PER_PARAMETER * k:
        raise _refuse("models.refused.too_few_for_model", n=n, k=k, per_parameter=OBS_PER_PARAMETER)


# --------------------------------------------------------------------------- OLS


def _ols(df, predictors, weights, n_workers_as, min_cell, cross_min_cell=None):
    mf = model_frame(
        df,
        predictors=predictors,
        weights=weights,
        n_workers_as=n_workers_as,
        min_cell=min_cell,
        cross_min_cell=cross_min_cell,
    )
    k = mf.X.shape[1] + 1
    _check_size(mf.n, k)
    if np.ptp(mf.y) == 0:
        raise _refuse("models.refused.same_grade")
    rows = np.repeat(np.arange(len(mf.y)), mf.w)  # frequency weights = replicated rows
    X = sm.add_constant(mf.X.to_numpy()[rows], has_constant="add")
    X = pd.DataFrame(X, columns=[INTERCEPT, *mf.X.columns])
    if np.linalg.matrix_rank(X.to_numpy()) < X.shape[1]:
        raise _refuse("models.refused.collinear")
    return sm.OLS(mf.y[rows], X).fit(cov_type="HC3", use_t=True)


def ols_grade(
    df: pd.DataFrame,
    *,
    predictors: Sequence[str],
    weights: str | None = None,
    n_workers_as: Literal["numeric", "categorical"] = "numeric",
    min_cell: int = contract.DEFAULT_MIN_CELL,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Linear regression of the grade with HC3 robust standard errors.

    Parameters
    ----------
    df : pandas.DataFrame
        Canonical response frame, already filtered (plus the weights column).
    predictors : list of str
        Predictor columns; see the module docstring for coding and reference levels.
    weights : str, optional
        Column of frequency weights (whole numbers >= 0).
    n_workers_as : {"numeric", "categorical"}
        ``n_workers`` as one numeric term or as dummies (reference ``"0"``).
    min_cell : int
        Minimum respondents per used predictor category (else refused).
    confidence : float
        Interval coverage, default 0.95.

    Returns
    -------
    pandas.DataFrame
        Columns ``term, estimate, se, ci_low, ci_high, statistic, p_value``;
        first ``"Intercept"``, then the terms in the order of ``predictors``.
        ``se`` is HC3 (MacKinnon & White 1985):
        ``(X'X)^-1 X' diag(e_i^2 / (1 - h_ii)^2) X (X'X)^-1``;
        ``statistic`` is t, with p-values and interval from t(n - k), as
        Stata's ``regress, vce(hc3)`` and R's ``lmtest::coeftest`` with
        ``sandwich::vcovHC(type = "HC3")`` print them.

    Raises
    ------
    ModelRefused
        Too few respondents (see module docstring).

    References
    ----------
    MacKinnon & White (1985); Long & Ervin (2000).
    """
    return _ols_table(_ols(df, predictors, weights, n_workers_as, min_cell), confidence)


def _ols_table(res, confidence: float) -> pd.DataFrame:
    ci = np.asarray(res.conf_int(alpha=1 - confidence))
    return pd.DataFrame(
        {
            "term": pd.Series(res.model.exog_names, dtype="string"),
            "estimate": np.asarray(res.params, dtype=float),
            "se": np.asarray(res.bse, dtype=float),
            "ci_low": ci[:, 0],
            "ci_high": ci[:, 1],
            "statistic": np.asarray(res.tvalues, dtype=float),
            "p_value": np.asarray(res.pvalues, dtype=float),
        }
    )


def ols_grade_fit(
    df: pd.DataFrame,
    *,
    predictors: Sequence[str],
    weights: str | None = None,
    n_workers_as: Literal["numeric", "categorical"] = "numeric",
    min_cell: int = contract.DEFAULT_MIN_CELL,
) -> pd.DataFrame:
    """Fit statistics of :func:`ols_grade` (same options).

    Returns
    -------
    pandas.DataFrame
        Columns ``statistic, value``; rows ``n`` (respondents, sum of
        weights), ``k`` (parameters incl. intercept), ``r2``, ``adj_r2``,
        ``aic`` (``-2 logL + 2k`` of the Gaussian likelihood, as
        statsmodels and R's ``AIC(lm)`` minus the variance parameter: R
        counts sigma as a parameter and is 2 higher).
    """
    return _ols_fit_table(_ols(df, predictors, weights, n_workers_as, min_cell))


def _ols_fit_table(res) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "statistic": pd.Series(["n", "k", "r2", "adj_r2", "aic"], dtype="string"),
            "value": np.array([res.nobs, len(res.params), res.rsquared, res.rsquared_adj, res.aic], dtype=float),
        }
    )


# --------------------------------------------------------------------------- ordinal


class _WeightedOrderedModel(OrderedModel):
    """OrderedModel whose log-likelihood contributions are multiplied by frequency weights."""

    def __init__(self, endog, exog, freq_weights=None, **kwds):
        super().__init__(endog, exog, **kwds)
        self.freq_weights = np.ones(len(self.endog)) if freq_weights is None else np.asarray(freq_weights, dtype=float)

    def loglikeobs(self, params):
        return super().loglikeobs(params) * self.freq_weights


def _ordinal_core(y_codes: np.ndarray, X: pd.DataFrame, w: np.ndarray, levels: Sequence, link: str, confidence: float):
    """Fit; return (table, llf, k)."""
    if link not in ("logit", "probit"):
        raise ValueError("link must be 'logit' or 'probit'")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, got {confidence!r}")
    k_x = X.shape[1]
    model = _WeightedOrderedModel(y_codes, X.to_numpy(dtype=float), freq_weights=w, distr=link)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = model.fit(method="bfgs", maxiter=5000, gtol=1e-8, disp=False)
        if not res.mle_retvals.get("converged", False):
            res = model.fit(start_params=res.params, method="newton", maxiter=200, disp=False)
    if not res.mle_retvals.get("converged", False):
        raise _refuse("models.refused.not_converged")
    params = np.asarray(res.params, dtype=float)
    cov = np.asarray(res.cov_params(), dtype=float)
    # statsmodels: thresholds as first cut-point, then log increments.  Cut-points
    # c_j = t_0 + sum_{i<=j} exp(t_i); delta method with Jacobian dc_j/dt_0 = 1,
    # dc_j/dt_i = exp(t_i) for 1 <= i <= j.
    t = params[k_x:]
    m = len(t)
    jac = np.zeros((m, m))
    jac[:, 0] = 1.0
    for j in range(1, m):
        jac[j:, j] = math.exp(t[j])
    cuts = t[0] + np.concatenate(([0.0], np.cumsum(np.exp(t[1:]))))
    cov_cuts = jac @ cov[k_x:, k_x:] @ jac.T
    est = np.concatenate((params[:k_x], cuts))
    se = np.sqrt(np.concatenate((np.diag(cov)[:k_x], np.diag(cov_cuts))))
    if not np.all(np.isfinite(se)):
        raise _refuse("models.refused.no_se")
    z = est / se
    q = _st.norm.ppf(0.5 + confidence / 2)
    terms = list(X.columns) + [f"{levels[j]}|{levels[j + 1]}" for j in range(m)]
    table = pd.DataFrame(
        {
            "term": pd.Series(terms, dtype="string"),
            "kind": pd.Series(["coefficient"] * k_x + ["threshold"] * m, dtype="string"),
            "estimate": est,
            "se": se,
            "ci_low": est - q * se,
            "ci_high": est + q * se,
            "statistic": z,
            "p_value": 2 * _st.norm.sf(np.abs(z)),
        }
    )
    return table, float(res.llf), k_x + m


def ordinal_fit(
    data: pd.DataFrame,
    *,
    outcome: str,
    predictors: Sequence[str],
    levels: Sequence | None = None,
    weights: str | None = None,
    link: Literal["logit", "probit"] = "logit",
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Proportional-odds (cumulative link) model on any frame with numeric predictors.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per observation (or per cell of a frequency table, with ``weights``).
    outcome : str
        Ordered outcome column.
    predictors : list of str
        Numeric predictor columns (no intercept: the cut-points take its place).
    levels : sequence, optional
        Outcome levels from low to high (default: sorted observed values);
        levels not observed are left out.
    weights : str, optional
        Column of frequency weights (whole numbers >= 0).
    link : {"logit", "probit"}
        Link function.
    confidence : float
        Wald interval coverage, default 0.95.

    Returns
    -------
    pandas.DataFrame
        Columns ``term, kind, estimate, se, ci_low, ci_high, statistic,
        p_value``; first the coefficients (``kind = "coefficient"``), then the
        cut-points ``"a|b"`` between consecutive observed levels
        (``kind = "threshold"``).

    Notes
    -----
    Parametrisation as R ``MASS::polr``, Stata ``ologit`` and SPSS PLUM:

    .. math:: \\operatorname{logit} P(Y \\le j \\mid x) = \\zeta_j - x^\\top\\beta

    so a positive coefficient means higher outcome levels (higher grades).
    statsmodels' :class:`~statsmodels.miscmodels.ordinal_model.OrderedModel`
    estimates the first cut-point and log-increments; they are converted to
    cumulative cut-points with delta-method standard errors.  Standard errors
    come from the numerical Hessian of the (weighted) log-likelihood; ``statistic``
    is the Wald z (polr prints it as "t value"), p-values and intervals are
    normal (Wald), not profile-likelihood.

    References
    ----------
    McCullagh (1980); Agresti (2010), chapter 3; Venables & Ripley (2002), 7.3.
    """
    table, *_ = _ordinal_generic(data, outcome, predictors, levels, weights, link, confidence)
    return table


def _ordinal_generic(data, outcome, predictors, levels, weights, link, confidence):
    predictors = [predictors] if isinstance(predictors, str) else list(predictors)
    for c in [outcome, *predictors]:
        if c not in data.columns:
            raise ValueError(f"the frame has no column {c!r}")
    w = _frequency_weights(data, weights)
    X = data[predictors].apply(lambda s: pd.to_numeric(s.astype(object), errors="raise")).astype(float)
    yv = data[outcome].astype(object).to_numpy()
    keep = ~pd.isna(yv) & ~X.isna().any(axis=1).to_numpy() & (w > 0)
    yv, X, w = yv[keep], X.loc[keep].reset_index(drop=True), w[keep]
    if levels is None:
        levels = sorted(set(yv.tolist()))
    levels = [lv for lv in levels if (yv == lv).any()]
    unknown = set(yv.tolist()) - set(levels)
    if unknown:
        raise ValueError(f"outcome values {sorted(map(str, unknown))} are not in levels")
    if len(levels) < 2:
        raise _refuse("models.refused.outcome_one_value")
    code = {lv: i for i, lv in enumerate(levels)}
    y_codes = np.array([code[v] for v in yv], dtype=np.int64)
    return _ordinal_core(y_codes, X, w, levels, link, confidence) + (int(w.sum()), y_codes, w)


def _ordinal_grade(df, predictors, weights, n_workers_as, min_cell, link, confidence, cross_min_cell=None):
    mf = model_frame(
        df,
        predictors=predictors,
        weights=weights,
        n_workers_as=n_workers_as,
        min_cell=min_cell,
        cross_min_cell=cross_min_cell,
    )
    levels = sorted(int(v) for v in np.unique(mf.y))
    if len(levels) < 2:
        raise _refuse("models.refused.same_grade")
    _check_size(mf.n, mf.X.shape[1] + len(levels) - 1)
    code = {lv: i for i, lv in enumerate(levels)}
    y_codes = np.array([code[int(v)] for v in mf.y], dtype=np.int64)
    table, llf, k = _ordinal_core(y_codes, mf.X, mf.w.astype(float), levels, link, confidence)
    return table, llf, k, mf.n, y_codes, mf.w


def ordinal_grade(
    df: pd.DataFrame,
    *,
    predictors: Sequence[str],
    weights: str | None = None,
    link: Literal["logit", "probit"] = "logit",
    n_workers_as: Literal["numeric", "categorical"] = "numeric",
    min_cell: int = contract.DEFAULT_MIN_CELL,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Ordinal (proportional odds) regression of the grade 1-10.

    Same predictors, coding, weights and refusals as :func:`ols_grade`; the
    model is that of :func:`ordinal_fit` with outcome ``grade``: one
    coefficient per term and a cut-point ``"j|k"`` between consecutive grades
    that occur in the data (e.g. ``"1|2"`` ... ``"9|10"``).
    ``logit P(grade <= j) = zeta_j - x'beta``: a positive coefficient means
    higher grades.  The size rule counts coefficients and cut-points.

    Returns
    -------
    pandas.DataFrame
        Columns ``term, kind, estimate, se, ci_low, ci_high, statistic, p_value``.

    References
    ----------
    McCullagh (1980); Agresti (2010); Venables & Ripley (2002), 7.3.
    """
    table, *_ = _ordinal_grade(df, predictors, weights, n_workers_as, min_cell, link, confidence)
    return table


def _ordinal_fit_table(llf: float, k: int, n: int, y_codes: np.ndarray, w: np.ndarray) -> pd.DataFrame:
    counts = np.bincount(y_codes, weights=w).astype(float)
    counts = counts[counts > 0]
    ll0 = float(np.sum(counts * np.log(counts / counts.sum())))  # thresholds-only model
    return pd.DataFrame(
        {
            "statistic": pd.Series(["n", "k", "loglik", "deviance", "aic", "mcfadden_r2"], dtype="string"),
            "value": np.array([n, k, llf, -2 * llf, -2 * llf + 2 * k, 1 - llf / ll0], dtype=float),
        }
    )


def ordinal_grade_fit(
    df: pd.DataFrame,
    *,
    predictors: Sequence[str],
    weights: str | None = None,
    link: Literal["logit", "probit"] = "logit",
    n_workers_as: Literal["numeric", "categorical"] = "numeric",
    min_cell: int = contract.DEFAULT_MIN_CELL,
) -> pd.DataFrame:
    """Fit statistics of :func:`ordinal_grade` (same options).

    Returns
    -------
    pandas.DataFrame
        Columns ``statistic, value``; rows ``n``, ``k`` (coefficients plus
        cut-points), ``loglik``, ``deviance`` (``-2 loglik``, polr's
        "Residual Deviance"), ``aic`` (``deviance + 2k``) and ``mcfadden_r2``
        (``1 - loglik / loglik0``, with ``loglik0`` of the model with
        cut-points only).

    References
    ----------
    McFadden, D. (1974). Conditional logit analysis of qualitative choice
    behavior. In Zarembka (ed.), Frontiers in Econometrics, 105-142.
    """
    _, llf, k, n, y_codes, w = _ordinal_grade(df, predictors, weights, n_workers_as, min_cell, link, 0.95)
    return _ordinal_fit_table(llf, k, n, y_codes, np.asarray(w, dtype=float))


def ordinal_fit_stats(
    data: pd.DataFrame,
    *,
    outcome: str,
    predictors: Sequence[str],
    levels: Sequence | None = None,
    weights: str | None = None,
    link: Literal["logit", "probit"] = "logit",
) -> pd.DataFrame:
    """Fit statistics of :func:`ordinal_fit` (same rows as :func:`ordinal_grade_fit`)."""
    _, llf, k, n, y_codes, w = _ordinal_generic(data, outcome, predictors, levels, weights, link, 0.95)
    return _ordinal_fit_table(llf, k, n, y_codes, np.asarray(w, dtype=float))


# --------------------------------------------------------------------------- one fit, both tables


@dataclass(frozen=True)
class GradeModel:
    """A fitted grade model: its coefficient table and its fit statistics, from one fit.

    ``kind`` is ``"ols"`` or ``"ordinal"``; ``coefficients`` has the columns of
    :func:`ols_grade` (:data:`MODEL_COLUMNS`) or :func:`ordinal_grade`
    (:data:`ORDINAL_COLUMNS`); ``fit`` those of :func:`ols_grade_fit` or
    :func:`ordinal_grade_fit` (:data:`FIT_COLUMNS`).
    """

    kind: str
    coefficients: pd.DataFrame
    fit: pd.DataFrame


MODEL_KINDS = ("ols", "ordinal")


def grade_model(
    df: pd.DataFrame,
    *,
    kind: Literal["ols", "ordinal"] = "ols",
    predictors: Sequence[str],
    weights: str | None = None,
    n_workers_as: Literal["numeric", "categorical"] = "numeric",
    min_cell: int = contract.DEFAULT_MIN_CELL,
    link: Literal["logit", "probit"] = "logit",
    confidence: float = 0.95,
    cross_min_cell: int | None = None,
) -> GradeModel:
    """Fit a grade model once and return both its tables (what a page shows together).

    The same model, options and refusals as :func:`ols_grade` /
    :func:`ols_grade_fit` (``kind="ols"``; ``link`` is not used) or
    :func:`ordinal_grade` / :func:`ordinal_grade_fit` (``kind="ordinal"``),
    with identical tables, but the model is fitted one time instead of two.
    ``cross_min_cell``: see :func:`model_frame` (the protected model builder
    passes its minimum cell size; issue 9 M2).

    Raises
    ------
    ModelRefused
        Too few respondents (see the module docstring).
    ValueError
        An unknown ``kind``.
    """
    if kind == "ols":
        res = _ols(df, predictors, weights, n_workers_as, min_cell, cross_min_cell)
        return GradeModel("ols", _ols_table(res, confidence), _ols_fit_table(res))
    if kind == "ordinal":
        table, llf, k, n, y_codes, w = _ordinal_grade(
            df, predictors, weights, n_workers_as, min_cell, link, confidence, cross_min_cell
        )
        return GradeModel("ordinal", table, _ordinal_fit_table(llf, k, n, y_codes, np.asarray(w, dtype=float)))
    raise ValueError(f"kind must be one of {', '.join(MODEL_KINDS)}, got {kind!r}")
