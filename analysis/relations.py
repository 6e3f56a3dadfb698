"""Cross tables and measures of association between two questions.

* :func:`variable_kind`: the measurement level of a column (nominal, ordinal, interval).
* :func:`crosstab`: a cross table in long (tidy) form with small-cell suppression.
* :func:`association`: a test and an effect size chosen from the two measurement levels.

Measurement levels
------------------
``grade`` (1-10) is *interval*.  ``n_workers`` (0..6, 6 = "meer dan 5") and the
ordered answer scales of :data:`ORDINAL_ORDER` are *ordinal*; the codes
``weet_niet`` and ``geen_plan_bekend`` (:data:`NOT_RANKED`) have no place on
the scale and are left out of every rank-based measure (Spearman, Kendall,
Jonckheere-Terpstra).  They stay in cross tables and in chi-square tests,
where every answer counts (data contract v1, section 2).  Everything else
(``measure_type``, ``gi``, ``respondent_type``, ``round_id``) is *nominal*.

Choice of measures in :func:`association`
-----------------------------------------
==========================  =======================================================================
x and y                     rows (``measure``)
==========================  =======================================================================
interval x nominal          ``kruskal_wallis``
interval x ordinal          ``kruskal_wallis``, ``jonckheere_terpstra``, ``spearman_rho``
nominal x any (else)        ``cramers_v`` (Pearson chi-square test of independence)
ordinal x ordinal           ``spearman_rho``, ``kendall_tau_b``
==========================  =======================================================================

References
----------
.. [1] Agresti, A. (2007). An Introduction to Categorical Data Analysis, 2nd
   ed., Wiley: 2.4 (chi-square test of independence), 2.5 (ordinal trends).
.. [2] Cramér, H. (1946). Mathematical Methods of Statistics, Princeton, p. 282.
.. [3] Kendall, M. G. (1945). The treatment of ties in ranking problems.
   Biometrika 33, 239-251 (tau-b).
.. [4] Spearman, C. (1904). The proof and measurement of association between
   two things. American Journal of Psychology 15, 72-101.
.. [5] Kruskal, W. H. & Wallis, W. A. (1952). Use of ranks in one-criterion
   variance analysis. JASA 47, 583-621.
.. [6] Jonckheere, A. R. (1954). A distribution-free k-sample test against
   ordered alternatives. Biometrika 41, 133-145.
.. [7] Tomczak, M. & Tomczak, E. (2014). The need to report effect size
   estimates revisited. Trends in Sport Sciences 21, 19-25 (epsilon squared
   for Kruskal-Wallis).
.. [8] Hundepool, A. et al. (2012). Statistical Disclosure Control, Wiley,
   chapter 5 (primary and secondary cell suppression in tables).
"""

from __future__ import annotations

import math
import warnings
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats as _st

from . import contract
from .stats import category_labels, default_categories, jonckheere_terpstra

Kind = Literal["nominal", "ordinal", "interval"]

#: Codes that are answers but have no place on an ordered scale.
NOT_RANKED = ("weet_niet", "geen_plan_bekend")

_JA_BEETJE_NEE = {"nee": 1, "een_beetje": 2, "ja": 3}

#: Ordered answer scales: code -> rank (higher = more / more often / better).
#: Codes in :data:`NOT_RANKED` are absent on purpose.  ``n_workers`` ranks are
#: its codes 0..6 (6 = "meer dan 5").
ORDINAL_ORDER: dict[str, dict] = {
    "n_workers": {i: i for i in range(7)},
    "had_gap": {"nee": 1, "ja": 2},  # ja = had a gap
    "contact_one_on_one": {"nooit": 1, "1_keer": 2, "meer_dan_1": 3},
    "explained_at_start": dict(_JA_BEETJE_NEE),
    "opinion_asked": {"nee": 1, "soms": 2, "vaak": 3, "altijd": 4},
    "involved_in_decisions": {"nee": 1, "soms": 2, "altijd": 3},
    "asked_life_domains": dict(_JA_BEETJE_NEE),
    "asked_safety": dict(_JA_BEETJE_NEE),
    "say_in_plan": {"nee": 1, "ja": 2},
    "help_improves": {"nee": 1, "niet_helemaal": 2, "ja": 3},
    **{q: dict(_JA_BEETJE_NEE) for q in contract.QUALITY_ITEMS},
}

#: Columns measured at interval level.
INTERVAL_COLUMNS = ("grade",)
#: Columns that can only be used as nominal groupings.
NOMINAL_COLUMNS = ("gi", "round_id", "respondent_type", "measure_type")

#: Every contract column that can be analysed (:func:`variable_kind` knows it), in contract order:
#: the columns offered on the Verbanden page.
VARIABLES: tuple[str, ...] = tuple(
    c for c in contract.COLUMNS if c in INTERVAL_COLUMNS or c in ORDINAL_ORDER or c in NOMINAL_COLUMNS
)

CROSSTAB_COLUMNS = ("row", "col", "n", "pct_row", "suppressed")
ASSOCIATION_COLUMNS = ("measure", "estimate", "statistic", "df", "p_value", "n", "method", "suppressed")


def variable_kind(column: str) -> Kind:
    """Measurement level of a contract column: ``"nominal"``, ``"ordinal"`` or ``"interval"``.

    ``grade`` is interval; ``n_workers`` and the ordered answer scales of
    :data:`ORDINAL_ORDER` are ordinal; ``measure_type``, ``gi``,
    ``respondent_type`` and ``round_id`` are nominal.  Other columns
    (``response_id``, ``submitted_week``, the comments) are not analysed
    and raise :class:`ValueError`.

    >>> variable_kind("grade"), variable_kind("n_workers"), variable_kind("gi")
    ('interval', 'ordinal', 'nominal')
    """
    if column in INTERVAL_COLUMNS:
        return "interval"
    if column in ORDINAL_ORDER:
        return "ordinal"
    if column in NOMINAL_COLUMNS:
        return "nominal"
    raise ValueError(f"column {column!r} is not a variable that can be analysed")


def ordinal_scores(df: pd.DataFrame, column: str) -> np.ndarray:
    """Numeric scores of an ordinal or interval column (NaN = not answered or not ranked).

    Ordinal columns get their rank from :data:`ORDINAL_ORDER` (``weet_niet``
    and ``geen_plan_bekend`` become NaN); ``grade`` keeps its value.
    """
    kind = variable_kind(column)
    if kind == "nominal":
        raise ValueError(f"column {column!r} is nominal and has no scores")
    if column not in df.columns:
        raise ValueError(f"the frame has no column {column!r}")
    s = df[column]
    if column in contract.INT_RANGES:
        return pd.to_numeric(s.astype(object), errors="raise").astype("float64").to_numpy()
    order = ORDINAL_ORDER[column]
    values = s.astype(object).to_numpy()
    known = set(order) | set(NOT_RANKED)
    unknown = sorted({v for v in values if not pd.isna(v)} - known)
    if unknown:
        raise ValueError(f"column {column!r}: unknown codes {unknown}")
    return np.array([np.nan if pd.isna(v) or v not in order else float(order[v]) for v in values], dtype=float)


# --------------------------------------------------------------------------- helpers


def _categories(df: pd.DataFrame, column: str) -> tuple[np.ndarray, tuple[str, ...]]:
    """Labels of a column and its categories in questionnaire order (observed extras sorted)."""
    variable_kind(column)  # refuses columns that are not variables
    labels = category_labels(df, column)
    observed = {v for v in labels if v is not None}
    if column == "gi":
        cats = tuple(contract.GI_CODES) + tuple(sorted(observed - set(contract.GI_CODES)))
        cats = tuple(c for c in cats if c in observed or c in contract.GI_CODES)
    elif column == "round_id":
        cats = tuple(sorted(observed))
    else:
        cats = default_categories(column)
        unknown = sorted(observed - set(cats))
        if unknown:
            raise ValueError(f"column {column!r}: unknown codes {unknown}; validate the data first")
    return labels, cats


def _secondary_suppression(counts: np.ndarray, hide: np.ndarray) -> np.ndarray:
    """Line rule: no row or column may have exactly one hidden cell (else it follows from the total).

    Cells in a row or column with total 0 are known to be 0 from that total,
    so they do not count as hidden for the rule.
    """
    hide = hide.copy()
    known = (counts.sum(axis=1, keepdims=True) == 0) | (counts.sum(axis=0, keepdims=True) == 0)
    changed = True
    while changed:
        changed = False
        for axis in (1, 0):
            mat_h = hide if axis == 1 else hide.T
            mat_c = counts if axis == 1 else counts.T
            mat_k = known if axis == 1 else known.T
            for i in range(mat_h.shape[0]):
                if (mat_h[i] & ~mat_k[i]).sum() == 1:
                    open_ = np.flatnonzero(~mat_h[i])
                    if len(open_):
                        j = open_[np.argmin(mat_c[i, open_])]
                        mat_h[i, j] = True
                        changed = True
    return hide


# --------------------------------------------------------------------------- cross table


def crosstab(
    df: pd.DataFrame, *, row: str, col: str, min_cell: int = contract.DEFAULT_MIN_CELL, filters=None
) -> pd.DataFrame:
    """Cross table of two questions in long form, with small cells suppressed.

    With ``filters`` (a dict, ``{}`` for none): ``df`` is the whole data set
    and the table is read from its protected table
    (:meth:`analysis.protection.ProtectedView.crosstab`, extra columns
    ``n_below``, ``expected``, ``low_expected``).  Without (the old call on
    an already filtered frame) suppression is decided on this table alone.

    Parameters
    ----------
    df : pandas.DataFrame
        Canonical response frame, already filtered.
    row, col : str
        The two columns (see :func:`variable_kind`).  Only respondents who
        answered both count; ``weet_niet`` and ``geen_plan_bekend`` are
        categories like any other.
    min_cell : int
        Suppression threshold.

    Returns
    -------
    pandas.DataFrame
        Columns ``row, col, n, pct_row, suppressed``: one row per cell, rows
        and columns in questionnaire order, also cells with n = 0.  ``n`` is
        the count (``Int64``), ``pct_row`` its percentage of the row total
        (0-100).  ``n_workers`` categories are ``"0"`` .. ``"5"``,
        ``"meer_dan_5"``.

    Notes
    -----
    Suppression, after Hundepool et al. (2012), chapter 5:

    1. *Primary*: every cell with ``n < min_cell`` (including 0) is hidden:
       ``n`` is ``<NA>``, ``pct_row`` NaN and ``suppressed`` True.
    2. *Secondary* (line rule): a row or column with exactly one hidden cell
       would reveal it by subtraction from its total (row totals follow from
       ``pct_row``, column totals from the published distributions), so the
       smallest visible cell of that line is hidden too, repeated until no
       line has exactly one hidden cell.  This is the usual line rule, not a
       full audit against every linear combination of published totals.
    3. When the table's total base is below ``min_cell`` every cell is hidden.
    """
    if filters is not None:
        from .protection import protect  # circular: protection imports relations

        return protect(df, min_cell=min_cell).view(filters).crosstab(row, col)
    min_cell = contract.check_min_cell(min_cell)
    if row == col:
        raise ValueError("row and col must be different columns")
    rlabels, rcats = _categories(df, row)
    clabels, ccats = _categories(df, col)
    both = np.array([r is not None and c is not None for r, c in zip(rlabels, clabels)], dtype=bool)
    rl, cl = rlabels[both], clabels[both]
    counts = np.zeros((len(rcats), len(ccats)), dtype=np.int64)
    r_index = {c: i for i, c in enumerate(rcats)}
    c_index = {c: i for i, c in enumerate(ccats)}
    for r, c in zip(rl, cl):
        counts[r_index[r], c_index[c]] += 1
    total = int(counts.sum())
    if total < min_cell:
        hide = np.ones_like(counts, dtype=bool)
    else:
        hide = _secondary_suppression(counts, counts < min_cell)
    row_tot = counts.sum(axis=1, keepdims=True).astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = np.where(row_tot > 0, 100.0 * counts / row_tot, np.nan)
    pct = np.where(hide, np.nan, pct)
    out = pd.DataFrame(
        {
            "row": pd.Series(np.repeat(np.array(rcats, dtype=object), len(ccats)), dtype="string"),
            "col": pd.Series(np.tile(np.array(ccats, dtype=object), len(rcats)), dtype="string"),
            "n": pd.array(counts.ravel(), dtype="Int64"),
            "pct_row": pct.ravel().astype("float64"),
            "suppressed": hide.ravel().astype(bool),
        }
    )
    out.loc[out["suppressed"], "n"] = pd.NA
    return out


# --------------------------------------------------------------------------- association


def cramers_v(table) -> tuple[float, float, int, float, int]:
    """Pearson chi-square test of independence and Cramér's V of a contingency table.

    Rows and columns with a zero total are dropped first.

    .. math:: V = \\sqrt{\\frac{X^2}{n\\,(\\min(r, c) - 1)}}

    with Pearson's :math:`X^2` *without* continuity correction (also for
    2x2 tables) and no small-sample bias correction (Bergsma 2013), as SPSS
    CROSSTABS prints it.

    Returns
    -------
    (v, chi2, df, p_value, n) : tuple
        NaN when fewer than 2 non-empty rows or columns remain.

    Examples
    --------
    Perfect association in a 2x2 table (X^2 = n); the empty column is dropped:

    >>> v, chi2, df, p, n = cramers_v([[10, 0, 0], [0, 10, 0]])
    >>> v, chi2, df, n
    (1.0, 20.0, 1, 20)

    References
    ----------
    Cramér (1946), p. 282; Agresti (2007), 2.4.
    """
    t = np.asarray(table, dtype=float)
    t = t[t.sum(axis=1) > 0][:, t.sum(axis=0) > 0]
    n = int(t.sum())
    if t.ndim != 2 or min(t.shape) < 2:
        return math.nan, math.nan, 0, math.nan, n
    chi2, p, dof, _ = _st.chi2_contingency(t, correction=False)
    v = math.sqrt(chi2 / (n * (min(t.shape) - 1)))
    return float(v), float(chi2), int(dof), float(p), n


def _row(measure, estimate, statistic, df_, p, n, method):
    return {
        "measure": measure,
        "estimate": estimate,
        "statistic": statistic,
        "df": df_,
        "p_value": p,
        "n": n,
        "method": method,
    }


def _spearman_row(sx, sy) -> dict:
    n = len(sx)
    rho = p = t = math.nan
    if n >= 3 and np.ptp(sx) > 0 and np.ptp(sy) > 0:
        r = _st.spearmanr(sx, sy)
        rho, p = float(r.statistic), float(r.pvalue)
        t = rho * math.sqrt((n - 2) / (1 - rho * rho)) if abs(rho) < 1 else math.copysign(math.inf, rho)
    return _row(
        "spearman_rho",
        rho,
        t,
        n - 2 if n >= 3 else math.nan,
        p,
        n,
        "Spearman rank correlation (average ranks for ties); statistic t = rho sqrt((n-2)/(1-rho^2)), p from t(n-2)",
    )


def association(
    df: pd.DataFrame, *, x: str, y: str, min_cell: int = contract.DEFAULT_MIN_CELL, filters=None
) -> pd.DataFrame:
    """Association between two questions, with measures chosen by their measurement levels.

    With ``filters`` (a dict, ``{}`` for none): ``df`` is the whole data set
    and the measures run over the shown data of its protected table only
    (:meth:`analysis.protection.ProtectedView.association`; extra column
    ``low_expected``).  Without: the old call on an already filtered frame,
    over every group.

    Parameters
    ----------
    df : pandas.DataFrame
        Canonical response frame, already filtered.
    x, y : str
        Two different columns (see :func:`variable_kind`).
    min_cell : int
        A measure computed on fewer than ``min_cell`` respondents is
        suppressed: estimate, statistic and p-value NaN, ``suppressed`` True
        (``n`` shown).

    Returns
    -------
    pandas.DataFrame
        Columns ``measure, estimate, statistic, df, p_value, n, method,
        suppressed``; one row per measure (see the module docstring):

        * ``cramers_v``: estimate Cramér's V (:func:`cramers_v`), statistic
          Pearson's X^2 (no continuity correction), ``df = (r-1)(c-1)``, over
          every answered category (``weet_niet`` included).
        * ``spearman_rho``: estimate rho, statistic its t, ``df = n - 2``
          (:func:`scipy.stats.spearmanr`).
        * ``kendall_tau_b``: estimate tau-b, statistic the z of the
          asymptotic test with tie-corrected variance
          (:func:`scipy.stats.kendalltau`, ``method="asymptotic"``).
        * ``kruskal_wallis``: estimate epsilon squared ``H / (n - 1)``
          (Tomczak & Tomczak 2014), statistic H (tie-corrected), ``df = k - 1``
          over the groups with answers (:func:`scipy.stats.kruskal`).
        * ``jonckheere_terpstra``: two-sided test of an ordered trend of the
          grade over the ranked groups (:func:`analysis.stats.jonckheere_terpstra`);
          estimate NaN, statistic the standardized z.

        Rank-based measures leave out ``weet_niet`` / ``geen_plan_bekend``,
        so their ``n`` can be smaller than that of the chi-square or
        Kruskal-Wallis rows.

    References
    ----------
    Agresti (2007); Cramér (1946); Kendall (1945); Spearman (1904);
    Kruskal & Wallis (1952); Jonckheere (1954); Tomczak & Tomczak (2014).
    """
    if filters is not None:
        from .protection import protect  # circular: protection imports relations

        return protect(df, min_cell=min_cell).view(filters).association(x, y)
    min_cell = contract.check_min_cell(min_cell)
    if x == y:
        raise ValueError("x and y must be different columns")
    kx, ky = variable_kind(x), variable_kind(y)
    for c in (x, y):
        if c not in df.columns:
            raise ValueError(f"the frame has no column {c!r}")
    rows: list[dict] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        if "interval" in (kx, ky):
            value, group = (x, y) if kx == "interval" else (y, x)
            if variable_kind(group) == "interval":
                raise ValueError("two interval variables: not supported")
            rows.extend(_grade_by_group(df, value, group))
        elif "nominal" in (kx, ky):
            xl, xc = _categories(df, x)
            yl, yc = _categories(df, y)
            xi = {c: i for i, c in enumerate(xc)}
            yi = {c: i for i, c in enumerate(yc)}
            table = np.zeros((len(xc), len(yc)))
            for a, b in zip(xl, yl):
                if a is not None and b is not None:
                    table[xi[a], yi[b]] += 1
            v, chi2, dof, p, n = cramers_v(table)
            rows.append(
                _row(
                    "cramers_v",
                    v,
                    chi2,
                    dof,
                    p,
                    n,
                    "Pearson chi-square test of independence (no continuity "
                    "correction); Cramer's V = sqrt(X2 / (n (min(r, c) - 1))), "
                    "not bias-corrected",
                )
            )
        else:
            sx, sy = ordinal_scores(df, x), ordinal_scores(df, y)
            keep = ~np.isnan(sx) & ~np.isnan(sy)
            sx, sy = sx[keep], sy[keep]
            rows.append(_spearman_row(sx, sy))
            n = len(sx)
            tau = z = p = math.nan
            if n >= 3 and np.ptp(sx) > 0 and np.ptp(sy) > 0:
                r = _st.kendalltau(sx, sy, method="asymptotic")
                tau, p = float(r.statistic), float(r.pvalue)
                z = math.copysign(float(_st.norm.isf(p / 2)), tau) if p > 0 else math.copysign(math.inf, tau)
            rows.append(
                _row(
                    "kendall_tau_b",
                    tau,
                    z,
                    math.nan,
                    p,
                    n,
                    "Kendall tau-b (tie-corrected), asymptotic normal test; statistic z",
                )
            )
    out = pd.DataFrame(rows, columns=list(ASSOCIATION_COLUMNS[:-1]))
    out["suppressed"] = out["n"] < min_cell
    for c in ("estimate", "statistic", "p_value"):
        out[c] = out[c].astype("float64").mask(out["suppressed"], np.nan)
    out["df"] = out["df"].astype("float64")
    out["n"] = out["n"].astype("Int64")
    out["measure"] = out["measure"].astype("string")
    out["method"] = out["method"].astype("string")
    out["suppressed"] = out["suppressed"].astype(bool)
    return out


def _grade_by_group(df: pd.DataFrame, value: str, group: str) -> list[dict]:
    x = ordinal_scores(df, value)
    labels, cats = _categories(df, group)
    keep = ~np.isnan(x) & np.array([g is not None for g in labels], dtype=bool)
    xv, gv = x[keep], labels[keep]
    samples = [xv[gv == g] for g in cats]
    samples = [s for s in samples if len(s)]
    n = len(xv)
    h = p = eps = math.nan
    k = len(samples)
    if k >= 2:
        try:
            r = _st.kruskal(*samples)
            h, p = float(r.statistic), float(r.pvalue)
            eps = h / (n - 1)
        except ValueError:  # all values identical
            pass
    rows = [
        _row(
            "kruskal_wallis",
            eps,
            h,
            k - 1 if k >= 2 else math.nan,
            p,
            n,
            "Kruskal-Wallis H (tie-corrected) over the groups with answers; estimate epsilon squared = H / (n - 1)",
        )
    ]
    if variable_kind(group) == "ordinal":
        gs = ordinal_scores(df, group)
        keep = ~np.isnan(x) & ~np.isnan(gs)
        xv, gv = x[keep], gs[keep]
        ordered = [xv[gv == s] for s in np.unique(gv)]
        jt = jonckheere_terpstra(ordered)
        rows.append(
            _row(
                "jonckheere_terpstra",
                math.nan,
                jt["z"],
                math.nan,
                jt["p_value"],
                len(xv),
                "Jonckheere-Terpstra test of an ordered trend over the "
                "ranked groups, two-sided; statistic standardized z "
                "(tie-corrected variance)",
            )
        )
        rows.append(_spearman_row(gv, xv))
    return rows
