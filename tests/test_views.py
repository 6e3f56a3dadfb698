"""analysis.views: key numbers, comments, reference, comparison, relations and model tables for display."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats as st
from statsmodels.stats.proportion import proportion_confint

from analysis import contract, views
from analysis.compare import compare_groups, compare_institution
from analysis.models import ModelRefused, ols_grade, ordinal_grade
from analysis.reference import compare_to_published
from analysis.relations import association, crosstab
from sample_data import generate


@pytest.fixture(scope="module")
def demo():
    return generate(n=1523)


def test_key_numbers_pinned_to_independent_computation(demo):
    kn = views.key_numbers(demo).set_index("key")
    assert list(kn.index) == list(views.KEY_NUMBERS)
    # published 2025: 1523 respondents, 1151 parents, 372 youths
    assert kn.loc["respondents", "value"] == 1523
    assert kn.loc["ouder", "value"] == 1151 and kn.loc["jeugdige", "value"] == 372
    gap = demo["had_gap"].dropna()
    k, n = int((gap == "ja").sum()), len(gap)
    lo, hi = proportion_confint(k, n, alpha=0.05, method="wilson")  # statsmodels, independent of stats.py
    assert kn.loc["had_gap", "n"] == n
    assert kn.loc["had_gap", "value"] == pytest.approx(100 * k / n)
    assert (kn.loc["had_gap", "ci_low"], kn.loc["had_gap", "ci_high"]) == pytest.approx((100 * lo, 100 * hi))
    g = demo["grade"].dropna().astype(float).to_numpy()
    lo, hi = st.t.interval(0.95, len(g) - 1, loc=g.mean(), scale=st.sem(g))  # scipy
    assert kn.loc["mean_grade", "value"] == pytest.approx(g.mean())
    assert (kn.loc["mean_grade", "ci_low"], kn.loc["mean_grade", "ci_high"]) == pytest.approx((lo, hi))


def test_key_numbers_small_group_hides_estimates(demo):
    kn = views.key_numbers(demo.head(9)).set_index("key")
    assert kn.loc["respondents", "value"] == 9  # the size of the group may be shown
    for key in ("ouder", "jeugdige", "had_gap", "mean_grade"):
        assert kn.loc[key, "suppressed"]
        assert math.isnan(kn.loc[key, "value"])
    texts = views.key_number_texts(views.key_numbers(demo.head(9)))
    assert [t["value"] for t in texts][1:] == ["te weinig respondenten (n < 10)"] * 4


def test_key_number_texts_format(demo):
    t = {x["key"]: x for x in views.key_number_texts(views.key_numbers(demo), lang="nl")}
    assert t["had_gap"]["value"] == "31%"  # published: "ten minste 31 %"
    assert t["ouder"]["detail"] == "76% van 1523"
    assert t["mean_grade"]["value"].count(",") == 1


def test_reference_view_all_match_on_demo(demo):
    v = views.reference_view(compare_to_published(demo))
    assert (v["match"] == "ja").all()
    row = v[(v["figure"] == "fig2_explained_at_start") & (v["key"] == "ja")].iloc[0]
    assert row["label"] == "Ja" and row["published"] == "41" and row["computed"] == "41"
    assert row["figure_title"].startswith("Figuur 2: ")
    fig7 = v[v["figure"] == "fig7_grade_by_workers"]["label"].tolist()
    assert fig7[:2] == ["Nog geen: gemiddeld cijfer", "Nog geen: aantal respondenten"]


def test_reference_view_suppressed_values_show_dash(demo):
    v = views.reference_view(compare_to_published(demo.head(5)))
    dist = v[v["figure"] == "fig2_explained_at_start"]
    assert (dist["computed"] == "-").all() and (dist["match"] == "-").all()


def test_comparison_view_institution_against_rest(demo):
    cmp = compare_institution(demo, gi="JBN")
    v = views.comparison_view(cmp, a_label="JBN", b_label="Alle andere GI's samen")
    assert len(v) == len(cmp)
    assert list(v.columns)[2:6] == ["n JBN", "JBN", "n Alle andere GI's samen", "Alle andere GI's samen"]
    grade = v[v["Vraag"] == "Rapportcijfer"].iloc[0]
    assert grade["Toets"] == "Mann-Whitney U"


def test_comparison_view_suppressed_row_shows_no_estimate(demo):
    small = pd.concat([demo[demo["gi"] == "JBN"].head(6), demo[demo["gi"] != "JBN"].head(200)])
    cmp = compare_groups(small, by="gi", a="JBN")
    v = views.comparison_view(cmp, a_label="JBN", b_label="rest")
    assert (v["JBN"] == "te weinig respondenten (n < 10)").all()
    # no estimate for the other side either: it is large, so it says why it is hidden
    assert (v["n rest"].astype(int) >= 10).all()
    assert (v["rest"] == "verborgen (minder dan 10, of ter bescherming van een kleine groep)").all()
    assert (v["Verschil"] == "").all()


def test_crosstab_view_marks_suppressed_cells(demo):
    ct = crosstab(demo, row="measure_type", col="had_gap")
    v = views.crosstab_view(ct, row="measure_type", col="had_gap")
    assert v.columns[0] == "Soort maatregel" and len(v) == 4
    assert any("verborgen" in str(x) for x in v.to_numpy().ravel()) == bool(ct["suppressed"].any())
    assert all(("n = " in str(x)) or ("verborgen" in str(x)) for x in v.iloc[:, 1:].to_numpy().ravel())


def test_association_view_rows(demo):
    v = views.association_view(association(demo, x="n_workers", y="grade"))
    assert "Spearmans rho" in v["Maat"].tolist()


def test_grade_summary_by_group_pinned(demo):
    s = views.grade_summary_by_group(demo, group="had_gap").set_index("group")
    assert list(s.index) == list(contract.CODES["had_gap"])
    v = demo.loc[demo["had_gap"] == "ja", "grade"].dropna().astype(float).to_numpy()
    assert s.loc["ja", "n"] == len(v)
    assert s.loc["ja", "median"] == np.median(v)
    assert s.loc["ja", "q1"] == pytest.approx(np.quantile(v, 0.25))
    lo, hi = st.t.interval(0.95, len(v) - 1, loc=v.mean(), scale=st.sem(v))
    assert (s.loc["ja", "ci_low"], s.loc["ja", "ci_high"]) == pytest.approx((lo, hi))


def test_grade_summary_by_group_suppresses_small_groups(demo):
    s = views.grade_summary_by_group(demo.head(40), group="measure_type").set_index("group")
    small = s[s["n"] < 10]
    assert len(small) and small["suppressed"].all() and small["median"].isna().all()


def test_model_view_labels_terms(demo):
    coefs = ols_grade(demo, predictors=["measure_type", "n_workers"])
    v = views.model_view(coefs)
    assert v["Term"].iloc[0] == "Constante"
    assert "Soort maatregel: Ondertoezichtstelling (OTS)" in v["Term"].tolist()
    assert "Aantal jeugdzorgwerkers (per stap)" in v["Term"].tolist()
    o = views.model_view(ordinal_grade(demo, predictors=["had_gap"]), lang="en")
    assert any(t.startswith("Cut-point ") for t in o["Term"])


def test_refusal_text_splits_languages(demo):
    with pytest.raises(ModelRefused) as exc:
        ols_grade(demo.head(30), predictors=["measure_type"])
    assert views.refusal_text(exc.value, "nl").startswith("Te weinig")
    assert views.refusal_text(exc.value, "en").startswith("Too few")


def test_grade_summary_by_group_hides_a_group_recoverable_from_the_overall_mean():
    # one group of 4 next to groups of 40 and 30: the overall mean grade (a key number)
    # minus the two shown groups would give the small group's mean, so the 30-group is
    # hidden too (secondary suppression, Hundepool et al. 2012, Statistical Disclosure
    # Control, ch. 4)
    import uuid

    from analysis.frame import canonical_frame

    rows = ([("ots", 7)] * 40) + ([("voogdij", 5)] * 30) + ([("jeugdreclassering", 2)] * 4)
    df = canonical_frame(
        pd.DataFrame(
            {
                "response_id": [str(uuid.uuid4()) for _ in rows],
                "round_id": "r",
                "gi": "JBN",
                "respondent_type": "ouder",
                "submitted_week": "2025-W07",
                "measure_type": [m for m, _ in rows],
                "grade": [g for _, g in rows],
            }
        )
    )
    s = views.grade_summary_by_group(df, group="measure_type").set_index("group")
    assert bool(s.loc["jeugdreclassering", "suppressed"]) and bool(s.loc["voogdij", "suppressed"])
    assert not bool(s.loc["ots", "suppressed"]) and s.loc["ots", "mean"] == 7
    assert s.loc["voogdij", "n"] == 30 and np.isnan(s.loc["voogdij", "mean"])
