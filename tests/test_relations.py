"""Tests of analysis.relations: measurement levels, cross tables, association measures."""

from __future__ import annotations

import itertools
import math
import uuid

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analysis import contract, relations
from analysis.frame import canonical_frame


def _frame(columns: dict) -> pd.DataFrame:
    n = len(next(iter(columns.values())))
    base = {
        "response_id": [str(uuid.UUID(int=i + 1, version=4)) for i in range(n)],
        "round_id": ["r1"] * n,
        "gi": ["JBG"] * n,
        "respondent_type": ["ouder"] * n,
        "submitted_week": ["2025-W10"] * n,
    }
    base.update(columns)
    return canonical_frame(pd.DataFrame(base))


def _from_table(row: str, rcodes, col: str, ccodes, table) -> pd.DataFrame:
    """Expand a frequency table into one response per count."""
    rv, cv = [], []
    for i, r in enumerate(rcodes):
        for j, c in enumerate(ccodes):
            rv += [r] * table[i][j]
            cv += [c] * table[i][j]
    return _frame({row: rv, col: cv})


def _random(seed=2, n=400):
    rng = np.random.default_rng(seed)
    nw = rng.integers(0, 7, n)
    grade = np.clip(np.round(8 - 0.4 * nw + rng.normal(0, 1.5, n)), 1, 10).astype(int)
    cols = {"n_workers": nw.tolist(), "grade": grade.tolist(), "gi": rng.choice(contract.GI_CODES, n).tolist()}
    for item in ("opinion_asked", "explained_at_start", "quality_expert", "measure_type", "help_improves"):
        cols[item] = rng.choice(list(contract.CODES[item]) + [""], n).tolist()
    return _frame(cols)


# ----------------------------------------------------------------------------- kinds


def test_variable_kind_levels():
    assert relations.variable_kind("grade") == "interval"
    assert relations.variable_kind("n_workers") == "ordinal"
    assert relations.variable_kind("opinion_asked") == "ordinal"
    assert relations.variable_kind("quality_clear") == "ordinal"
    assert relations.variable_kind("measure_type") == "nominal"
    assert relations.variable_kind("gi") == "nominal"
    with pytest.raises(ValueError):
        relations.variable_kind("comment_grade")


def test_variable_kind_ordinal_order_covers_codes_except_not_ranked():
    for column, order in relations.ORDINAL_ORDER.items():
        if column == "n_workers":
            assert sorted(order) == list(range(7))
            continue
        assert set(order) == set(contract.CODES[column]) - set(relations.NOT_RANKED), column
        # the questionnaire lists the most positive answer first; ranks run the other way
        listed = [c for c in contract.CODES[column] if c in order]
        assert [order[c] for c in listed] == sorted(order.values(), reverse=True), column


def test_ordinal_scores_leaves_out_weet_niet():
    df = _frame({"explained_at_start": ["ja", "weet_niet", "nee", "", "een_beetje"]})
    s = relations.ordinal_scores(df, "explained_at_start")
    np.testing.assert_array_equal(s, [3, np.nan, 1, np.nan, 2])


# ----------------------------------------------------------------------------- crosstab


def test_crosstab_counts_and_row_percentages_in_questionnaire_order():
    table = [[30, 20, 10], [15, 25, 40]]
    df = _from_table(
        "respondent_type", ["ouder", "jeugdige"], "involved_in_decisions", ["altijd", "soms", "nee"], table
    )
    out = relations.crosstab(df, row="respondent_type", col="involved_in_decisions")
    assert list(out.columns) == list(relations.CROSSTAB_COLUMNS)
    assert list(out["row"]) == ["ouder"] * 3 + ["jeugdige"] * 3
    assert list(out["col"]) == ["altijd", "soms", "nee"] * 2
    assert list(out["n"]) == [30, 20, 10, 15, 25, 40]
    np.testing.assert_allclose(out["pct_row"], [50, 100 / 3, 100 / 6, 18.75, 31.25, 50])
    assert not out["suppressed"].any()


def test_crosstab_hides_small_cell_and_a_complement_in_its_lines():
    # cell (ouder, nee) = 4 < 10 is hidden.  Row 'ouder' then has one hidden cell, so its
    # smallest visible cell (ouder, soms = 12) is hidden too.  Now columns 'soms' and 'nee'
    # each have one hidden cell, so (jeugdige, soms = 25) and (jeugdige, nee = 30) follow.
    table = [[50, 12, 4], [40, 25, 30]]
    df = _from_table(
        "respondent_type", ["ouder", "jeugdige"], "involved_in_decisions", ["altijd", "soms", "nee"], table
    )
    out = relations.crosstab(df, row="respondent_type", col="involved_in_decisions")
    hidden = out.loc[out["suppressed"], ["row", "col"]].apply(tuple, axis=1).tolist()
    assert sorted(hidden) == sorted([("ouder", "nee"), ("ouder", "soms"), ("jeugdige", "nee"), ("jeugdige", "soms")])
    assert out.loc[out["suppressed"], "n"].isna().all()
    assert out.loc[out["suppressed"], "pct_row"].isna().all()
    # no row or column is left with exactly one hidden cell
    for key in ("row", "col"):
        assert (out.groupby(key)["suppressed"].sum() != 1).all()
    visible = out.loc[~out["suppressed"]]
    assert list(visible["n"]) == [50, 40]


def test_crosstab_zero_row_does_not_trigger_complementary_suppression():
    # contact_one_on_one 'weet_niet' nobody answered: its cells are 0 (hidden) but known from
    # the zero total, so the other rows stay visible.
    table = [[40, 20], [30, 30], [25, 35], [0, 0]]
    df = _from_table(
        "contact_one_on_one",
        ["meer_dan_1", "1_keer", "nooit", "weet_niet"],
        "respondent_type",
        ["ouder", "jeugdige"],
        table,
    )
    out = relations.crosstab(df, row="contact_one_on_one", col="respondent_type")
    assert out.loc[out["row"] == "weet_niet", "suppressed"].all()
    assert not out.loc[out["row"] != "weet_niet", "suppressed"].any()


def test_crosstab_whole_table_suppressed_below_min_cell(below_min_cell_floor):
    df = _frame({"had_gap": ["ja"] * 5 + ["nee"] * 4, "asked_safety": ["ja"] * 9})
    out = relations.crosstab(df, row="had_gap", col="asked_safety", min_cell=10)
    assert out["suppressed"].all() and out["n"].isna().all()
    shown = relations.crosstab(df, row="had_gap", col="asked_safety", min_cell=0)
    assert shown["n"].sum() == 9


def test_crosstab_n_workers_labels_and_only_complete_pairs(below_min_cell_floor):
    df = _frame({"n_workers": [0, 6, 6, None, 2], "had_gap": ["ja", "nee", "", "ja", "ja"]})
    out = relations.crosstab(df, row="n_workers", col="had_gap", min_cell=0)
    assert list(out["row"].unique()) == ["0", "1", "2", "3", "4", "5", "meer_dan_5"]
    assert out["n"].sum() == 3
    assert out.set_index(["row", "col"]).loc[("meer_dan_5", "nee"), "n"] == 1


# ----------------------------------------------------------------------------- association


def test_association_cramers_v_reproduces_agresti_party_by_gender():
    # Agresti (2007), An Introduction to Categorical Data Analysis, 2nd ed., table 2.5:
    # party identification (Democrat, Independent, Republican) by gender (females, males),
    # Pearson X^2 = 30.07 with df = 2.  Mapped onto measure_type x respondent_type.
    table = [[762, 327, 468], [484, 239, 477]]
    df = _from_table(
        "respondent_type", ["ouder", "jeugdige"], "measure_type", ["jeugdreclassering", "ots", "voogdij"], table
    )
    out = relations.association(df, x="measure_type", y="respondent_type")
    assert list(out.columns) == list(relations.ASSOCIATION_COLUMNS)
    r = out.set_index("measure").loc["cramers_v"]
    assert r["statistic"] == pytest.approx(30.07, abs=0.005)
    assert r["df"] == 2 and r["n"] == 2757
    # V = sqrt(X^2 / (n (min(r, c) - 1))) with min(2, 3) - 1 = 1
    assert r["estimate"] == pytest.approx(math.sqrt(30.0701 / 2757), abs=1e-5)
    assert r["p_value"] == pytest.approx(stats.chi2.sf(30.0701, 2), rel=1e-3)


def test_cramers_v_of_2x2_table_is_absolute_phi_without_continuity_correction():
    a, b, c, d = 30, 10, 15, 45
    phi = (a * d - b * c) / math.sqrt((a + b) * (c + d) * (a + c) * (b + d))
    v, chi2, dof, p, n = relations.cramers_v([[a, b], [c, d]])
    assert v == pytest.approx(abs(phi), rel=1e-12)
    assert chi2 == pytest.approx(n * phi**2, rel=1e-12) and dof == 1


def test_association_ordinal_pair_spearman_and_kendall_tau_b():
    df = _random(seed=4)
    out = relations.association(df, x="opinion_asked", y="quality_expert").set_index("measure")
    assert list(out.index) == ["spearman_rho", "kendall_tau_b"]
    sx = relations.ordinal_scores(df, "opinion_asked")
    sy = relations.ordinal_scores(df, "quality_expert")
    keep = ~np.isnan(sx) & ~np.isnan(sy)
    x, y = sx[keep], sy[keep]
    n = len(x)
    assert out.loc["spearman_rho", "n"] == n
    # Spearman: Pearson correlation of average ranks
    rho = np.corrcoef(stats.rankdata(x), stats.rankdata(y))[0, 1]
    assert out.loc["spearman_rho", "estimate"] == pytest.approx(rho, rel=1e-10)
    assert out.loc["spearman_rho", "df"] == n - 2
    # Kendall tau-b by counting pairs: (C - D) / sqrt((n0 - n1)(n0 - n2))
    conc = disc = tx = ty = 0
    for i, j in itertools.combinations(range(n), 2):
        s = np.sign(x[i] - x[j]) * np.sign(y[i] - y[j])
        conc += s > 0
        disc += s < 0
        tx += x[i] == x[j]
        ty += y[i] == y[j]
    n0 = n * (n - 1) / 2
    tau_b = (conc - disc) / math.sqrt((n0 - tx) * (n0 - ty))
    assert out.loc["kendall_tau_b", "estimate"] == pytest.approx(tau_b, rel=1e-10)


def test_association_grade_by_nominal_group_is_kruskal_wallis():
    df = _random(seed=6)
    out = relations.association(df, x="grade", y="measure_type")
    assert list(out["measure"]) == ["kruskal_wallis"]
    r = out.iloc[0]
    g = df["measure_type"].astype(object).to_numpy()
    x = df["grade"].astype(float).to_numpy()
    keep = ~pd.isna(g)
    g, x = g[keep], x[keep]
    # H = 12 / (N (N + 1)) * sum(R_i^2 / n_i) - 3 (N + 1), divided by 1 - sum(t^3 - t) / (N^3 - N)
    n = len(x)
    ranks = stats.rankdata(x)
    groups = [c for c in contract.CODES["measure_type"] if (g == c).any()]
    h = 12 / (n * (n + 1)) * sum(ranks[g == c].sum() ** 2 / (g == c).sum() for c in groups) - 3 * (n + 1)
    _, t = np.unique(x, return_counts=True)
    h /= 1 - (t**3 - t).sum() / (n**3 - n)
    assert r["statistic"] == pytest.approx(h, rel=1e-10)
    assert r["df"] == len(groups) - 1 and r["n"] == n
    assert r["p_value"] == pytest.approx(stats.chi2.sf(h, len(groups) - 1), rel=1e-9)
    assert r["estimate"] == pytest.approx(h / (n - 1), rel=1e-10)


def test_association_grade_by_n_workers_adds_trend_tests():
    df = _random(seed=9)
    out = relations.association(df, x="n_workers", y="grade").set_index("measure")
    assert list(out.index) == ["kruskal_wallis", "jonckheere_terpstra", "spearman_rho"]
    w = df["n_workers"].astype(float).to_numpy()
    x = df["grade"].astype(float).to_numpy()
    # Jonckheere-Terpstra is Kendall's test of the group order against the values
    # (Terpstra 1952): its z is Kendall's tau-b asymptotic z with tie-corrected variance.
    tau = stats.kendalltau(w, x, method="asymptotic")
    z = math.copysign(stats.norm.isf(tau.pvalue / 2), tau.statistic)
    assert out.loc["jonckheere_terpstra", "statistic"] == pytest.approx(z, rel=1e-6)
    assert out.loc["jonckheere_terpstra", "p_value"] == pytest.approx(tau.pvalue, rel=1e-6)
    assert out.loc["jonckheere_terpstra", "statistic"] < 0  # grades fall with more workers
    rho = np.corrcoef(stats.rankdata(w), stats.rankdata(x))[0, 1]
    assert out.loc["spearman_rho", "estimate"] == pytest.approx(rho, rel=1e-10)


def test_association_rank_measures_drop_weet_niet_but_chi_square_keeps_it():
    df = _frame(
        {
            "explained_at_start": ["ja"] * 20 + ["nee"] * 20 + ["weet_niet"] * 15,
            "grade": [8] * 10 + [7] * 10 + [5] * 10 + [6] * 10 + [7] * 15,
        }
    )
    out = relations.association(df, x="grade", y="explained_at_start").set_index("measure")
    assert out.loc["kruskal_wallis", "n"] == 55
    assert out.loc["jonckheere_terpstra", "n"] == 40
    assert out.loc["spearman_rho", "n"] == 40
    assert out.loc["spearman_rho", "estimate"] > 0  # ja (rank 3) has the higher grades


def test_association_suppressed_below_min_cell(below_min_cell_floor):
    df = _frame(
        {
            "opinion_asked": ["altijd", "vaak", "soms", "nee", "altijd", "nee"],
            "help_improves": ["ja", "ja", "nee", "nee", "niet_helemaal", "nee"],
        }
    )
    out = relations.association(df, x="opinion_asked", y="help_improves")
    assert out["suppressed"].all()
    assert out[["estimate", "statistic", "p_value"]].isna().all().all()
    assert list(out["n"]) == [6, 6]
    shown = relations.association(df, x="opinion_asked", y="help_improves", min_cell=0)
    assert not shown["suppressed"].any() and shown["estimate"].notna().all()


def test_association_rejects_same_column_and_non_variables():
    df = _random()
    with pytest.raises(ValueError):
        relations.association(df, x="grade", y="grade")
    with pytest.raises(ValueError):
        relations.association(df, x="response_id", y="grade")
