"""The model builder against the protected table (issue 9 M2).

``n`` and the coefficients of a model with several coded predictors rest on
their cross classification, which no family of the protected table
publishes: ``n([a]) - n([a, b])`` is a union of cross cells, and ``X'X`` of
main-effect dummies holds the cross counts, so several fits constrain small
cross cells (Gomatam, Karr, Reiter & Sanil 2005, Statistical Science 20,
163-177).  The reader's model (:meth:`ProtectedView.grade_model`) is refused
when a cross cell holds 1 to 9 respondents, shows ``n`` only when it is the
shown grade cell of the selection, and leaves out every fit statistic that
carries ``n`` exactly.  On the auditor's data set (tests/_disclosure_data.py).
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from _disclosure_data import audit_frame

from analysis import models, stats
from analysis.protection import READER_DECIMALS, READER_FIT, ProtectedData

MIN_CELL = 10
PREDICTORS = ("respondent_type", "measure_type", "had_gap", "opinion_asked", "explained_at_start", "gi", "n_workers")
SELECTIONS = ({}, {"gi": "JBN"}, {"respondent_type": "ouder"}, {"measure_type": "ots"}, {"gi": "KLEIN"})


@pytest.fixture(scope="module")
def data():
    return ProtectedData(audit_frame(), min_cell=MIN_CELL)


def _cross(sub: pd.DataFrame, predictors) -> pd.Series:
    """Cross cells of the coded predictors over complete cases with a grade, counted here with pandas."""
    labels = pd.DataFrame({p: stats.category_labels(sub, p) for p in predictors})
    keep = labels.notna().all(axis=1) & sub["grade"].notna().reset_index(drop=True)
    return labels[keep].astype(str).value_counts()


def _fits(data):
    """Every (selection, predictors, kind) the loops below try, with the model or its refusal."""
    for f in SELECTIONS:
        view = data.view(f)
        for r in (1, 2):
            for preds in itertools.combinations(PREDICTORS, r):
                try:
                    yield view, list(preds), view.grade_model(predictors=list(preds))
                except models.ModelRefused as exc:
                    yield view, list(preds), exc


def test_models_protected_refuses_a_cross_cell_of_1_to_9(data):
    view = data.view({})
    preds = ["measure_type", "gi"]
    for p in preds:  # each predictor alone is allowed: every category has at least 10
        view.grade_model(predictors=[p])
    cross = _cross(view.model_data(preds), preds)
    assert ((cross > 0) & (cross < MIN_CELL)).any()  # independent count: a small cross cell
    with pytest.raises(models.ModelRefused) as exc:
        view.grade_model(predictors=preds)
    assert exc.value.key == "modelsafe.model.small_cross_cell"
    assert "minder dan 10" in str(exc.value) and "fewer than 10" in str(exc.value)
    # the library without the guard fits the same frame (the pins of tests/test_models.py keep their data)
    assert not models.grade_model(view.model_data(preds), predictors=preds).coefficients.empty


def test_models_protected_refuses_a_cross_cell_the_table_hides_to_protect(data):
    # sixth outsider (December 2026): the residuals of a model add up to zero in every group, so
    # the coefficients of two grouping predictors and the shown group sums give each cross count
    # (n(JBW, jeugdigen) = (1649 - 335 x (4.623 + 0.144)) / 0.725 = 71.8 on the demo round)
    view = data.view({})
    preds = ["respondent_type", "measure_type"]
    cross = _cross(view.model_data(preds), preds)
    assert (cross >= MIN_CELL).all()  # independent count: no cross cell of 1 to 9, the library lets it pass
    assert not models.grade_model(view.model_data(preds), predictors=preds, cross_min_cell=MIN_CELL).coefficients.empty
    hidden = [c for c in cross.index if not data.view(dict(zip(preds, c))).cell("grade").has_data]
    assert hidden  # ... but the table hides one of them, to protect a smaller group
    with pytest.raises(models.ModelRefused) as exc:
        view.grade_model(predictors=preds)
    assert exc.value.key == "modelsafe.model.hidden_cross_cell"


def test_models_protected_every_allowed_model_crosses_only_shown_cells(data):
    """Of two filter predictors (institution, respondent type, measure type), every cross cell of an
    allowed model is a grade cell the table shows (counted here with pandas, looked up per view)."""
    filters = ("respondent_type", "measure_type", "gi")
    checked = 0
    for view, preds, result in _fits(data):
        if isinstance(result, models.ModelRefused) or not set(preds) <= set(filters) or len(preds) < 2:
            continue
        base = {d: v for d, v in zip(("round_id", "gi", "respondent_type", "measure_type"), view.key) if v != "*"}
        for combo in _cross(view.model_data(preds), preds).index:
            assert data.view({**base, **dict(zip(preds, combo))}).cell("grade").has_data, (base, preds, combo)
            checked += 1
    assert checked > 0


def test_models_protected_every_allowed_model_has_no_small_cross_cell(data):
    seen = {"refused": 0, "fitted": 0}
    for view, preds, m in _fits(data):
        coded = [p for p in preds if p != "n_workers"]
        cross = _cross(view.model_data(preds), coded) if len(coded) > 1 else None
        small = cross is not None and bool(((cross > 0) & (cross < MIN_CELL)).any())
        if isinstance(m, models.ModelRefused):
            seen["refused"] += 1
            assert small or m.key != "modelsafe.model.small_cross_cell", (view.filters, preds)
            continue
        seen["fitted"] += 1
        assert not small, (view.filters, preds)
    assert seen["refused"] and seen["fitted"]


def test_models_protected_shown_n_is_a_number_the_table_shows(data):
    exact = at_least = 0
    for view, preds, m in _fits(data):
        if isinstance(m, models.ModelRefused):
            continue
        fit = m.fit.set_index("statistic")["value"]
        assert list(m.fit.columns) == list(models.FIT_COLUMNS)
        assert set(fit.index) <= {*READER_FIT, "n_at_least"}, set(fit.index)
        assert not {"aic", "loglik", "deviance", "adj_r2"} & set(fit.index)
        grade = view.cell("grade")
        if "n" in fit.index:
            exact += 1
            assert grade.shown and fit["n"] == grade.n, (view.filters, preds)
        else:
            at_least += 1
            # a bound every model meets by the size rule: it depends on k only, not on the data
            assert fit["n_at_least"] == max(MIN_CELL, models.OBS_PER_PARAMETER * fit["k"])
            true_n = len(view.model_data(preds).dropna(subset=[p for p in preds]))
            assert true_n >= fit["n_at_least"]
    assert exact and at_least


@pytest.mark.parametrize("kind", ["ols", "ordinal"])
def test_models_protected_allowed_model_equals_the_library_fit(data, kind):
    view = data.view({})
    for preds in (["respondent_type", "had_gap"], ["respondent_type"], ["n_workers", "had_gap"]):
        m = view.grade_model(predictors=preds, kind=kind)
        lib = models.grade_model(view.model_data(preds), predictors=preds, kind=kind)
        want = lib.coefficients.copy()
        num = [c for c in want.columns if pd.api.types.is_float_dtype(want[c])]
        want[num] = want[num].round(READER_DECIMALS)
        pd.testing.assert_frame_equal(m.coefficients, want)
        r2 = "r2" if kind == "ols" else "mcfadden_r2"
        got = m.fit.set_index("statistic")["value"]
        assert got[r2] == pytest.approx(round(lib.fit.set_index("statistic")["value"][r2], READER_DECIMALS))
    # the OLS pin of the library (statsmodels = the HC3 sandwich of tests/test_models.py) holds on the same rows
    sub = view.model_data(["respondent_type"])
    x = (np.asarray(stats.category_labels(sub, "respondent_type")) == "jeugdige").astype(float)
    y = sub["grade"].astype(float).to_numpy()
    slope = y[x == 1].mean() - y[x == 0].mean()  # one dummy: the difference of the group means
    coef = view.grade_model(predictors=["respondent_type"]).coefficients.set_index("term")["estimate"]
    assert coef["respondent_type[jeugdige]"] == pytest.approx(slope, abs=10**-READER_DECIMALS)


def test_models_protected_library_guard_is_off_unless_asked():
    df = audit_frame()
    df = df[df["gi"] != "KLEIN"].reset_index(drop=True)
    preds = ["measure_type", "opinion_asked"]
    cross = _cross(df, preds)
    assert ((cross > 0) & (cross < MIN_CELL)).any()
    assert not models.grade_model(df, predictors=preds).coefficients.empty
    with pytest.raises(models.ModelRefused, match="fewer than 10"):
        models.grade_model(df, predictors=preds, cross_min_cell=MIN_CELL)
