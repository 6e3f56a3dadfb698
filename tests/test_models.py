"""Tests of analysis.models: OLS with HC3 errors and the ordinal (proportional odds) model of the grade."""

from __future__ import annotations

import math
import os
import uuid

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analysis import contract, models
from analysis.frame import canonical_frame

UCLA_LEVELS = ["unlikely", "somewhat likely", "very likely"]


def _ucla() -> pd.DataFrame:
    """The UCLA 'ordered logistic regression' data (ologit.dta, 400 students).

    Copied into tests/data from statsmodels (statsmodels/miscmodels/tests/results/ologit_ucla.csv,
    BSD-3-Clause) so the test does not depend on statsmodels shipping its own tests.
    """
    return pd.read_csv(os.path.join(os.path.dirname(__file__), "data", "ologit_ucla.csv"))


def _survey(n=900, seed=12) -> pd.DataFrame:
    """Seeded synthetic responses in which the grade depends on the answers."""
    rng = np.random.default_rng(seed)
    opinion = rng.choice(contract.CODES["opinion_asked"], n, p=[0.35, 0.3, 0.2, 0.15])
    rtype = rng.choice(contract.RESPONDENT_TYPES, n, p=[0.6, 0.4])
    nw = rng.choice(7, n, p=[0.05, 0.3, 0.25, 0.15, 0.1, 0.08, 0.07])
    effect = {"altijd": 1.5, "vaak": 0.8, "soms": 0.0, "nee": -1.2}
    latent = 6.5 + np.array([effect[o] for o in opinion]) - 0.35 * nw + 0.4 * (rtype == "jeugdige")
    noise = rng.normal(0, 1.2 + 0.3 * (opinion == "nee"), n)  # heteroskedastic
    grade = np.clip(np.round(latent + noise), 1, 10).astype(int)
    return canonical_frame(
        pd.DataFrame(
            {
                "response_id": [str(uuid.UUID(int=i + 1, version=4)) for i in range(n)],
                "round_id": "r1",
                "gi": rng.choice(contract.GI_CODES, n),
                "respondent_type": rtype,
                "submitted_week": "2025-W10",
                "opinion_asked": opinion,
                "n_workers": nw,
                "grade": grade,
                "measure_type": rng.choice(["jeugdreclassering", "ots", "voogdij"], n),
            }
        )
    )


# ----------------------------------------------------------------------------- ordinal: published fits


def test_ordinal_fit_reproduces_ucla_polr_example():
    # UCLA IDRE, "Ordinal logistic regression | R data analysis examples"
    # (https://stats.oarc.ucla.edu/r/dae/ordinal-logistic-regression/), MASS::polr(apply ~ pared
    # + public + gpa, Hess = TRUE); the same R values are in statsmodels'
    # miscmodels/tests/results/results_ordinal_model.py (R 3.4.4, MASS):
    #   pared 1.04769 (SE 0.2658), public -0.05879 (0.2979), gpa 0.61594 (0.2606),
    #   unlikely|somewhat likely 2.2039 (0.7795), somewhat likely|very likely 4.2994 (0.8043),
    #   Residual Deviance 717.0249, AIC 727.0249.
    # polr's BFGS stops at reltol 1e-8, a little before the maximum: our estimates (score
    # < 1e-8) differ from polr's by up to 6e-4, hence the tolerance of 1e-3.
    df = _ucla()
    out = models.ordinal_fit(df, outcome="apply", predictors=["pared", "public", "gpa"], levels=UCLA_LEVELS).set_index(
        "term"
    )
    assert list(out.columns) == list(models.ORDINAL_COLUMNS)[1:]
    expected = {
        "pared": (1.04769, 0.2658),
        "public": (-0.05879, 0.2979),
        "gpa": (0.61594, 0.2606),
        "unlikely|somewhat likely": (2.2039, 0.7795),
        "somewhat likely|very likely": (4.2994, 0.8043),
    }
    assert list(out.index) == list(expected)
    for term, (est, se) in expected.items():
        assert out.loc[term, "estimate"] == pytest.approx(est, abs=1e-3), term
        assert out.loc[term, "se"] == pytest.approx(se, abs=5e-4), term
    assert list(out["kind"]) == ["coefficient"] * 3 + ["threshold"] * 2
    # Wald z and normal p-values (polr's "t value"): pared t = 3.9418, p = 8.09e-05
    assert out.loc["pared", "statistic"] == pytest.approx(3.9418, abs=2e-3)
    assert out.loc["pared", "p_value"] == pytest.approx(8.087e-05, rel=0.01)
    assert out.loc["gpa", "ci_low"] == pytest.approx(
        out.loc["gpa", "estimate"] - 1.959964 * out.loc["gpa", "se"], rel=1e-6
    )
    fit = models.ordinal_fit_stats(
        df, outcome="apply", predictors=["pared", "public", "gpa"], levels=UCLA_LEVELS
    ).set_index("statistic")["value"]
    assert fit["deviance"] == pytest.approx(717.0249, abs=1e-3)
    assert fit["aic"] == pytest.approx(727.0249, abs=1e-3)
    assert (fit["n"], fit["k"]) == (400, 5)


def test_ordinal_fit_reproduces_ucla_stata_ologit_to_six_decimals():
    # UCLA IDRE, "Ordered logistic regression | Stata data analysis examples"
    # (https://stats.oarc.ucla.edu/stata/dae/ordered-logistic-regression/):
    # `ologit apply pared public gpa` prints (Stata converges to the maximum, unlike polr):
    #   pared 1.047664 (SE .2657891), public -.0586828 (.2978588), gpa .6157458 (.2606311),
    #   /cut1 2.203323 (.7795353), /cut2 4.298767 (.8043146), Log likelihood = -358.51244.
    # Stata's /cut parametrisation is the same as polr's zeta: logit P(Y <= j) = cut_j - x'b.
    df = _ucla()
    out = models.ordinal_fit(df, outcome="apply", predictors=["pared", "public", "gpa"], levels=UCLA_LEVELS).set_index(
        "term"
    )
    stata = {
        "pared": (1.047664, 0.2657891),
        "public": (-0.0586828, 0.2978588),
        "gpa": (0.6157458, 0.2606311),
        "unlikely|somewhat likely": (2.203323, 0.7795353),
        "somewhat likely|very likely": (4.298767, 0.8043146),
    }
    # Estimates are the maximum itself (score < 1e-8), so they match Stata to six decimals.
    # Standard errors are not: they come from a numerical Hessian (finite differences of the
    # log-likelihood in statsmodels), whose last digits move with the numpy/scipy/statsmodels
    # versions and the platform's floating point (seen: public 0.2978580 and 0.2978554 against
    # Stata's 0.2978588, a relative 1e-5).  So standard errors, and z, p and the interval that
    # are computed from them, get a relative tolerance of 1e-4: still four significant digits,
    # and far tighter than any difference that would show in the app (rounded to 2 decimals).
    for term, (est, se) in stata.items():
        assert round(out.loc[term, "estimate"], 3) == round(est, 3), term
        assert out.loc[term, "estimate"] == pytest.approx(est, abs=2e-6), term
        assert out.loc[term, "se"] == pytest.approx(se, rel=1e-4), term
        assert out.loc[term, "statistic"] == pytest.approx(est / se, rel=1e-4), term
        assert out.loc[term, "ci_low"] == pytest.approx(est - 1.959964 * se, rel=1e-4), term
        assert out.loc[term, "ci_high"] == pytest.approx(est + 1.959964 * se, rel=1e-4), term
    # Stata's P>|z| column: pared 0.000, public 0.844, gpa 0.018
    assert out.loc["public", "p_value"] == pytest.approx(0.844, abs=1e-3)
    assert out.loc["gpa", "p_value"] == pytest.approx(0.018, abs=1e-3)
    assert out.loc["pared", "p_value"] < 0.0005
    fit = models.ordinal_fit_stats(
        df, outcome="apply", predictors=["pared", "public", "gpa"], levels=UCLA_LEVELS
    ).set_index("statistic")["value"]
    assert fit["loglik"] == pytest.approx(-358.51244, abs=1e-5)


def test_ordinal_fit_sign_convention_matches_spss_plum():
    # SPSS PLUM on the same data with SPSS's default reference (the LAST category of a
    # factor, so the parameters are for pared = 0 and public = 0), as printed in the
    # University of Sheffield handout "Ordinal regression in SPSS" (B. Marquier):
    # threshold [apply = 1] 1.214, [apply = 2] 3.310; gpa .616; [pared=.00] -1.048;
    # [public=.00] .059.  Same convention logit P(Y <= j) = theta_j - x'beta as polr.
    df = _ucla().assign(pared0=lambda d: 1 - d["pared"], public0=lambda d: 1 - d["public"])
    out = models.ordinal_fit(
        df, outcome="apply", predictors=["gpa", "pared0", "public0"], levels=UCLA_LEVELS
    ).set_index("term")["estimate"]
    assert out["unlikely|somewhat likely"] == pytest.approx(1.214, abs=1e-3)
    assert out["somewhat likely|very likely"] == pytest.approx(3.310, abs=1e-3)
    assert out["gpa"] == pytest.approx(0.616, abs=1e-3)
    assert out["pared0"] == pytest.approx(-1.048, abs=1e-3)
    assert out["public0"] == pytest.approx(0.059, abs=1e-3)


def test_ordinal_fit_probit_reproduces_polr_probit():
    # statsmodels miscmodels/tests/results/results_ordinal_model.py, R MASS::polr(method =
    # "probit"): pared 0.59811, public 0.01016, gpa 0.35815; cut-points 1.2968, 2.5028.
    out = models.ordinal_fit(
        _ucla(), outcome="apply", predictors=["pared", "public", "gpa"], levels=UCLA_LEVELS, link="probit"
    )
    np.testing.assert_allclose(out["estimate"], [0.59811, 0.01016, 0.35815, 1.2968, 2.5028], atol=1e-3)


def test_ordinal_fit_frequency_table_equals_individual_rows():
    # Collapsing identical rows into a frequency table with weights must give the same fit.
    df = _ucla()
    table = df.groupby(["apply", "pared", "public", "gpa"]).size().rename("count").reset_index()
    assert len(table) < len(df)
    kw = dict(outcome="apply", predictors=["pared", "public", "gpa"], levels=UCLA_LEVELS)
    a = models.ordinal_fit(df, **kw)
    b = models.ordinal_fit(table, weights="count", **kw)
    np.testing.assert_allclose(b["estimate"], a["estimate"], atol=1e-5)
    np.testing.assert_allclose(b["se"], a["se"], rtol=1e-4)
    fa = models.ordinal_fit_stats(df, **kw)
    fb = models.ordinal_fit_stats(table, weights="count", **kw)
    np.testing.assert_allclose(fb["value"], fa["value"], rtol=1e-7)


# ----------------------------------------------------------------------------- ordinal: grade


def test_ordinal_grade_terms_reference_levels_and_direction():
    df = _survey()
    out = models.ordinal_grade(df, predictors=["opinion_asked", "n_workers", "respondent_type"])
    assert list(out.columns) == list(models.ORDINAL_COLUMNS)
    coef = out[out["kind"] == "coefficient"].set_index("term")["estimate"]
    # reference = first code in questionnaire order: altijd, ouder
    assert list(coef.index) == [
        "opinion_asked[vaak]",
        "opinion_asked[soms]",
        "opinion_asked[nee]",
        "n_workers",
        "respondent_type[jeugdige]",
    ]
    assert coef["opinion_asked[nee]"] < coef["opinion_asked[soms]"] < coef["opinion_asked[vaak]"] < 0
    assert coef["n_workers"] < 0 and coef["respondent_type[jeugdige]"] > 0
    th = out[out["kind"] == "threshold"]
    grades = sorted(df["grade"].dropna().unique())
    assert list(th["term"]) == [f"{a}|{b}" for a, b in zip(grades[:-1], grades[1:])]
    assert th["estimate"].is_monotonic_increasing


def test_ordinal_grade_integer_weights_equal_repeated_rows():
    df = _survey(n=500, seed=3)
    rng = np.random.default_rng(0)
    df["w"] = rng.integers(1, 4, len(df))
    repeated = df.loc[df.index.repeat(df["w"])].reset_index(drop=True)
    kw = dict(predictors=["opinion_asked", "n_workers"])
    a = models.ordinal_grade(df, weights="w", **kw)
    b = models.ordinal_grade(repeated, **kw)
    np.testing.assert_allclose(a["estimate"], b["estimate"], atol=1e-5)
    np.testing.assert_allclose(a["se"], b["se"], rtol=1e-4)
    fa = models.ordinal_grade_fit(df, weights="w", **kw).set_index("statistic")["value"]
    fb = models.ordinal_grade_fit(repeated, **kw).set_index("statistic")["value"]
    assert fa["n"] == df["w"].sum() == fb["n"]
    assert fa["loglik"] == pytest.approx(fb["loglik"], rel=1e-8)


def test_ordinal_grade_fit_mcfadden_against_thresholds_only_model():
    df = _survey(n=600, seed=5)
    fit = models.ordinal_grade_fit(df, predictors=["opinion_asked"]).set_index("statistic")["value"]
    # log-likelihood of the cut-points-only model is sum n_j log(n_j / n)
    counts = df["grade"].value_counts().to_numpy(dtype=float)
    ll0 = float((counts * np.log(counts / counts.sum())).sum())
    assert fit["mcfadden_r2"] == pytest.approx(1 - fit["loglik"] / ll0, rel=1e-12)
    assert 0 < fit["mcfadden_r2"] < 1
    assert fit["aic"] == pytest.approx(-2 * fit["loglik"] + 2 * fit["k"])
    assert fit["k"] == 3 + len(counts) - 1


# ----------------------------------------------------------------------------- OLS


def _hc3(X: np.ndarray, y: np.ndarray):
    """HC3 by the sandwich formula (MacKinnon & White 1985), written out in numpy."""
    xtx_inv = np.linalg.inv(X.T @ X)
    beta = xtx_inv @ X.T @ y
    e = y - X @ beta
    h = np.einsum("ij,jk,ik->i", X, xtx_inv, X)
    meat = (X * (e**2 / (1 - h) ** 2)[:, None]).T @ X
    return beta, np.sqrt(np.diag(xtx_inv @ meat @ xtx_inv)), e


def _design(df, n_workers_as="numeric"):
    """Independent dummy coding: intercept, opinion_asked (ref altijd), n_workers, respondent_type."""
    X = [np.ones(len(df))]
    for code in ("vaak", "soms", "nee"):
        X.append((df["opinion_asked"] == code).to_numpy(dtype=float))
    if n_workers_as == "numeric":
        X.append(df["n_workers"].to_numpy(dtype=float))
    else:
        for k in range(1, 7):
            X.append((df["n_workers"] == k).to_numpy(dtype=float))
    X.append((df["respondent_type"] == "jeugdige").to_numpy(dtype=float))
    return np.column_stack(X), df["grade"].to_numpy(dtype=float)


def test_ols_grade_hc3_matches_sandwich_formula():
    df = _survey()
    df.loc[:19, "opinion_asked"] = pd.NA  # incomplete rows are left out
    out = models.ols_grade(df, predictors=["opinion_asked", "n_workers", "respondent_type"])
    assert list(out.columns) == list(models.MODEL_COLUMNS)
    assert list(out["term"]) == [
        "Intercept",
        "opinion_asked[vaak]",
        "opinion_asked[soms]",
        "opinion_asked[nee]",
        "n_workers",
        "respondent_type[jeugdige]",
    ]
    X, y = _design(df.iloc[20:])
    beta, se, _ = _hc3(X, y)
    np.testing.assert_allclose(out["estimate"], beta, rtol=1e-10)
    np.testing.assert_allclose(out["se"], se, rtol=1e-10)
    n, k = X.shape
    t = beta / se
    np.testing.assert_allclose(out["statistic"], t, rtol=1e-10)
    np.testing.assert_allclose(out["p_value"], 2 * stats.t.sf(np.abs(t), n - k), rtol=1e-8)
    q = stats.t.ppf(0.975, n - k)
    np.testing.assert_allclose(out["ci_low"], beta - q * se, rtol=1e-10)
    np.testing.assert_allclose(out["ci_high"], beta + q * se, rtol=1e-10)


def test_ols_grade_n_workers_categorical_has_reference_zero():
    df = _survey()
    out = models.ols_grade(df, predictors=["opinion_asked", "n_workers", "respondent_type"], n_workers_as="categorical")
    assert [t for t in out["term"] if t.startswith("n_workers")] == [
        "n_workers[1]",
        "n_workers[2]",
        "n_workers[3]",
        "n_workers[4]",
        "n_workers[5]",
        "n_workers[meer_dan_5]",
    ]
    X, y = _design(df, n_workers_as="categorical")
    beta, se, _ = _hc3(X, y)
    np.testing.assert_allclose(out["estimate"], beta, rtol=1e-9)
    np.testing.assert_allclose(out["se"], se, rtol=1e-9)


def test_ols_grade_fit_statistics():
    df = _survey()
    fit = models.ols_grade_fit(df, predictors=["opinion_asked", "n_workers", "respondent_type"])
    assert list(fit.columns) == list(models.FIT_COLUMNS)
    v = fit.set_index("statistic")["value"]
    X, y = _design(df)
    _, _, e = _hc3(X, y)
    n, k = X.shape
    ssr, sst = float(e @ e), float(((y - y.mean()) ** 2).sum())
    assert (v["n"], v["k"]) == (n, k)
    assert v["r2"] == pytest.approx(1 - ssr / sst, rel=1e-12)
    assert v["adj_r2"] == pytest.approx(1 - (ssr / (n - k)) / (sst / (n - 1)), rel=1e-12)
    # Gaussian log-likelihood at the MLE: -n/2 (log(2 pi SSR / n) + 1); AIC = -2 logL + 2k
    llf = -n / 2 * (math.log(2 * math.pi * ssr / n) + 1)
    assert v["aic"] == pytest.approx(-2 * llf + 2 * k, rel=1e-12)


def test_ols_grade_integer_weights_equal_repeated_rows():
    df = _survey(n=400, seed=8)
    df["w"] = np.random.default_rng(1).integers(0, 4, len(df))  # 0 = row left out
    repeated = df.loc[df.index.repeat(df["w"])].reset_index(drop=True)
    kw = dict(predictors=["opinion_asked", "n_workers"])
    pd.testing.assert_frame_equal(models.ols_grade(df, weights="w", **kw), models.ols_grade(repeated, **kw), rtol=1e-9)
    pd.testing.assert_frame_equal(
        models.ols_grade_fit(df, weights="w", **kw), models.ols_grade_fit(repeated, **kw), rtol=1e-9
    )


def test_ols_grade_reference_is_first_code_present():
    df = _survey()
    df = df[df["opinion_asked"] != "altijd"].reset_index(drop=True)
    out = models.ols_grade(df, predictors=["opinion_asked"])
    assert list(out["term"]) == ["Intercept", "opinion_asked[soms]", "opinion_asked[nee]"]
    mf = models.model_frame(df, predictors=["opinion_asked"])
    assert mf.references == {"opinion_asked": "vaak"}
    # intercept = mean grade of the reference group (a saturated one-way model)
    ref_mean = df.loc[df["opinion_asked"] == "vaak", "grade"].astype(float).mean()
    assert out.loc[0, "estimate"] == pytest.approx(ref_mean)


# ----------------------------------------------------------------------------- refusals


def test_models_refuse_small_category_in_dutch_and_english(below_min_cell_floor):
    df = _survey(n=600)
    df.loc[df["opinion_asked"] == "nee", "opinion_asked"] = pd.NA
    df.loc[:6, "opinion_asked"] = "nee"  # 7 respondents: fewer than 10
    for fit in (models.ols_grade, models.ordinal_grade):
        with pytest.raises(models.ModelRefused) as exc:
            fit(df, predictors=["opinion_asked"])
        msg = str(exc.value)
        assert "Te weinig antwoorden" in msg and "Too few answers" in msg
        assert "'nee'" in msg and "7" not in msg  # the small count itself is not shown
    assert not models.ols_grade(df, predictors=["opinion_asked"], min_cell=5).empty


def test_models_refuse_fewer_than_ten_respondents_per_parameter(below_min_cell_floor):
    df = _survey(n=55, seed=2)
    df["respondent_type"] = np.resize(["ouder", "jeugdige"], len(df))
    df["opinion_asked"] = np.resize(["altijd", "vaak", "soms", "nee"], len(df))
    with pytest.raises(models.ModelRefused, match="per parameter"):
        models.ols_grade(
            df, predictors=["opinion_asked", "n_workers", "respondent_type"], min_cell=0
        )  # 6 parameters need 60 respondents
    assert len(models.ols_grade(df, predictors=["respondent_type"], min_cell=0)) == 2
    with pytest.raises(models.ModelRefused, match="per parameter"):
        models.ordinal_grade(df, predictors=["respondent_type"], min_cell=0)  # 1 + cut-points


def test_models_reject_bad_options():
    df = _survey(n=200)
    df["w"] = 1.5
    with pytest.raises(ValueError, match="whole numbers"):
        models.ols_grade(df, predictors=["opinion_asked"], weights="w")
    with pytest.raises(ValueError, match="cannot be a predictor"):
        models.ols_grade(df, predictors=["comment_grade"])
    with pytest.raises(ValueError, match="cannot be a predictor"):
        models.ordinal_grade(df, predictors=["grade"])
    df["respondent_type"] = "ouder"
    with pytest.raises(models.ModelRefused, match="only one answer"):
        models.ols_grade(df, predictors=["respondent_type"])


# ----------------------------------------------------------------------------- one fit, both tables


def _count_calls(monkeypatch, name):
    calls = []
    real = getattr(models, name)

    def counted(*args, **kwargs):
        calls.append(name)
        return real(*args, **kwargs)

    monkeypatch.setattr(models, name, counted)
    return calls


@pytest.mark.parametrize(
    "kind, table_fn, fit_fn",
    [("ols", models.ols_grade, models.ols_grade_fit), ("ordinal", models.ordinal_grade, models.ordinal_grade_fit)],
)
def test_grade_model_tables_equal_the_separate_functions(kind, table_fn, fit_fn):
    df = _survey(n=600)
    kw = dict(predictors=["opinion_asked", "n_workers"], n_workers_as="categorical")
    m = models.grade_model(df, kind=kind, **kw)
    assert m.kind == kind
    pd.testing.assert_frame_equal(m.coefficients, table_fn(df, **kw))
    pd.testing.assert_frame_equal(m.fit, fit_fn(df, **kw))


@pytest.mark.parametrize("kind, fitter", [("ols", "_ols"), ("ordinal", "_ordinal_core")])
def test_grade_model_fits_the_model_once(monkeypatch, kind, fitter):
    calls = _count_calls(monkeypatch, fitter)
    models.grade_model(_survey(n=400), kind=kind, predictors=["opinion_asked"])
    assert calls == [fitter]


def test_grade_model_refuses_like_the_separate_functions_and_unknown_kinds():
    df = _survey(n=600)
    df.loc[df["opinion_asked"] == "nee", "opinion_asked"] = pd.NA
    df.loc[:6, "opinion_asked"] = "nee"  # 7 respondents: fewer than min_cell
    for kind in models.MODEL_KINDS:
        with pytest.raises(models.ModelRefused, match="Too few answers"):
            models.grade_model(df, kind=kind, predictors=["opinion_asked"])
    with pytest.raises(ValueError, match="kind must be one of ols, ordinal"):
        models.grade_model(df, kind="probit", predictors=["n_workers"])
