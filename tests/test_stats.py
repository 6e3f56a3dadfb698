"""Tests of analysis.stats: pinned to published and independently computed values."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from _helpers_stats import random_frame
from scipy import stats as st
from statsmodels.stats.proportion import proportion_confint

from analysis import contract, stats
from analysis.frame import canonical_frame


def frame(**cols) -> pd.DataFrame:
    n = max(len(v) for v in cols.values())
    base = {
        "response_id": [f"id-{i}" for i in range(n)],
        "round_id": ["r"] * n,
        "gi": ["JBN"] * n,
        "respondent_type": ["ouder"] * n,
        "submitted_week": ["2025-W01"] * n,
    }
    base.update(cols)
    return canonical_frame(pd.DataFrame(base))


# --------------------------------------------------------------------------- Wilson


@pytest.mark.parametrize(
    "k, n, low, high",
    [
        # Newcombe RG (1998) Two-sided confidence intervals for the single proportion:
        # comparison of seven methods. Stat Med 17:857-872, Table II, method 3 (Wilson score).
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0000, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ],
)
def test_wilson_interval_matches_newcombe_1998(k, n, low, high):
    lo, hi = stats.wilson_interval(k, n)
    assert round(lo, 4) == pytest.approx(low, abs=1e-9)
    assert round(hi, 4) == pytest.approx(high, abs=1e-9)


def test_wilson_interval_matches_statsmodels_wilson():
    ks, ns = [], []
    for n in (1, 2, 5, 10, 29, 30, 263, 1523):
        for k in sorted({0, 1, n // 3, n // 2, n - 1, n}):
            if 0 <= k <= n:
                ks.append(k)
                ns.append(n)
    lo, hi = stats.wilson_interval(ks, ns)
    ref_lo, ref_hi = proportion_confint(np.array(ks), np.array(ns), alpha=0.05, method="wilson")
    np.testing.assert_allclose(lo, ref_lo, atol=1e-12)
    np.testing.assert_allclose(hi, ref_hi, atol=1e-12)
    lo90, hi90 = stats.wilson_interval(ks, ns, confidence=0.90)
    r90 = proportion_confint(np.array(ks), np.array(ns), alpha=0.10, method="wilson")
    np.testing.assert_allclose(lo90, r90[0], atol=1e-12)
    np.testing.assert_allclose(hi90, r90[1], atol=1e-12)


def test_wilson_interval_zero_base_is_nan_and_bad_input_raises():
    lo, hi = stats.wilson_interval(0, 0)
    assert math.isnan(lo) and math.isnan(hi)
    with pytest.raises(ValueError):
        stats.wilson_interval(5, 3)
    with pytest.raises(ValueError):
        stats.wilson_interval(1, 3, confidence=1.5)


# --------------------------------------------------------------------------- t interval


def test_t_interval_matches_hand_computation_and_scipy():
    x = [2, 4, 4, 4, 5, 5, 7, 9]
    # by hand: mean 5, sd^2 = 32/7, t(0.975, 7) = 2.364624 (standard t table: 2.365)
    half = 2.3646242510102993 * math.sqrt(32 / 7) / math.sqrt(8)
    lo, hi = stats.t_interval(5.0, math.sqrt(32 / 7), 8)
    assert lo == pytest.approx(5 - half, abs=1e-9)
    assert hi == pytest.approx(5 + half, abs=1e-9)
    ref = st.ttest_1samp(x, 0).confidence_interval()
    assert (lo, hi) == pytest.approx((ref.low, ref.high), abs=1e-12)


def test_t_interval_needs_two_observations():
    lo, hi = stats.t_interval(7.0, float("nan"), 1)
    assert math.isnan(lo) and math.isnan(hi)


# --------------------------------------------------------------------------- distribution


def test_distribution_counts_answers_and_leaves_out_empty_cells():
    vals = ["ja"] * 6 + ["een_beetje"] * 3 + ["weet_niet"] * 3 + [None] * 5
    t = stats.distribution(frame(explained_at_start=vals), column="explained_at_start")
    assert list(t.columns) == list(stats.DISTRIBUTION_COLUMNS)
    assert list(t["category"]) == ["ja", "een_beetje", "nee", "weet_niet"]
    assert list(t["n"]) == [6, 3, 0, 3]
    # base 12 (the 5 empty cells are left out; weet_niet counts)
    np.testing.assert_allclose(t["pct"], [50.0, 25.0, 0.0, 25.0])
    lo, hi = stats.wilson_interval(6, 12)
    assert t.loc[0, "ci_low"] == pytest.approx(100 * lo)
    assert t.loc[0, "ci_high"] == pytest.approx(100 * hi)
    assert not t["suppressed"].any()
    assert t["indicative"].all()  # 10 <= 12 < 30


def test_distribution_suppresses_small_base_and_hides_counts(below_min_cell_floor):
    vals = ["ja"] * 5 + ["nee"] * 4
    t = stats.distribution(frame(had_gap=vals), column="had_gap", min_cell=10)
    assert t["suppressed"].all()
    assert t["pct"].isna().all() and t["ci_low"].isna().all() and t["ci_high"].isna().all()
    assert t["n"].isna().all()
    assert not t["indicative"].any()
    shown = stats.distribution(frame(had_gap=vals), column="had_gap", min_cell=9)
    assert not shown["suppressed"].any()
    assert list(shown["n"]) == [5, 4, 0]


def test_distribution_n_workers_uses_worker_group_labels(below_min_cell_floor):
    t = stats.distribution(frame(n_workers=[0, 1, 1, 6, 6, 6, None]), column="n_workers", min_cell=1)
    assert list(t["category"]) == ["0", "1", "2", "3", "4", "5", "meer_dan_5"]
    assert list(t["n"]) == [1, 2, 0, 0, 0, 0, 3]
    assert t["pct"].sum() == pytest.approx(100.0)


def test_distribution_unknown_code_raises():
    with pytest.raises(ValueError, match="not among the categories"):
        stats.distribution(frame(had_gap=["ja", "misschien"]), column="had_gap")
    with pytest.raises(ValueError, match="no column"):
        stats.distribution(frame(had_gap=["ja"]), column="bestaat_niet", categories=["a"])
    with pytest.raises(ValueError, match="min_cell"):
        stats.distribution(frame(had_gap=["ja"]), column="had_gap", min_cell=-1)


def test_distribution_by_group_suppresses_per_group():
    # had_gap groups: ja 4 and weet_niet 7 answers (both < 10, hidden; together 11 >= 10,
    # so no secondary suppression), nee 12 answers (shown); one empty group, one empty answer.
    gap = ["ja"] * 4 + ["weet_niet"] * 7 + ["nee"] * 12 + [None, "nee"]
    vals = ["nee"] * 4 + ["ja"] * 7 + ["ja"] * 9 + ["geen_plan_bekend"] * 3 + ["nee", None]
    t = stats.distribution_by_group(frame(had_gap=gap, say_in_plan=vals), column="say_in_plan", group="had_gap")
    assert list(t.columns) == list(stats.DISTRIBUTION_BY_GROUP_COLUMNS)
    assert list(t["group"]) == ["ja"] * 3 + ["nee"] * 3 + ["weet_niet"] * 3
    hidden = t[t["group"] != "nee"]
    assert hidden["suppressed"].all() and hidden["n"].isna().all() and hidden["pct"].isna().all()
    assert not hidden["indicative"].any()
    nee = t[t["group"] == "nee"]
    assert not nee["suppressed"].any() and nee["indicative"].all()
    assert list(nee["n"]) == [9, 0, 3]
    np.testing.assert_allclose(nee["pct"], [75.0, 0.0, 25.0])


# --------------------------------------------------------------------------- secondary suppression
#
# Complementary (secondary) suppression, Hundepool et al. (2012), Statistical
# Disclosure Control, Wiley, ch. 4 ("secondary suppression") and ch. 5: the groups
# of a table split a population whose total is published elsewhere (the overall
# distribution, the overall mean grade).  A single hidden group, or hidden groups
# that are small together, then follow by subtraction, so after primary suppression
# (n < min_cell) the smallest shown group is hidden too until the hidden groups with
# data hold >= min_cell respondents.  Groups with n = 0 reveal nothing and do not count.


def test_secondary_suppression_rule_on_group_bases(below_min_cell_floor):
    rule = stats.secondary_suppression
    # 5 is hidden (primary); 5 < 10, so the smallest shown group (30) is hidden too
    assert list(rule([5, 40, 30], [True, False, False], min_cell=10)) == [True, False, True]
    # 5 + 6 = 11 >= 10: nothing more
    assert list(rule([5, 40, 6, 30], [True, False, True, False], min_cell=10)) == [True, False, True, False]
    # n = 0 reveals nothing: it does not trigger the rule
    assert list(rule([0, 40, 30], [True, False, False], min_cell=10)) == [True, False, False]
    # n = 0 does not count towards the hidden total either: 0 + 4 < 10
    assert list(rule([0, 4, 40, 30], [True, True, False, False], min_cell=10)) == [True, True, False, True]
    # equally small shown groups: the first in table order is hidden
    assert list(rule([3, 30, 30], [True, False, False], min_cell=10)) == [True, True, False]
    # two groups: one hidden means both hidden
    assert list(rule([9, 500], [True, False], min_cell=10)) == [True, True]
    # hidden groups too small and nothing left to hide: every group hidden
    assert list(rule([2, 3], [True, True], min_cell=10)) == [True, True]
    # min_cell 0: nothing is hidden
    assert list(rule([0, 1], [False, False], min_cell=0)) == [False, False]


def _nw_frame(sizes: dict[int, int], seed: int = 5) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    nw, grades = [], []
    for code, size in sizes.items():
        nw += [code] * size
        grades += list(rng.integers(1, 11, size))
    return frame(n_workers=nw, grade=grades)


def test_mean_by_group_secondary_suppression_hides_the_smallest_shown_group():
    # groups of 5 (hidden), 40 and 30: the 30 is hidden too, else its mean and the 5's
    # would follow from the overall mean grade
    t = stats.mean_by_group(_nw_frame({1: 40, 2: 30, 3: 5})).set_index("group")
    assert t["suppressed"].to_dict() == {
        "0": True,
        "1": False,
        "2": True,
        "3": True,
        "4": True,
        "5": True,
        "meer_dan_5": True,
    }
    assert list(t.loc[["1", "2", "3"], "n"]) == [40, 30, 5]  # the bases stay visible
    assert math.isnan(t.loc["2", "mean"]) and math.isnan(t.loc["2", "ci_low"])
    assert not t.loc["2", "indicative"] and not math.isnan(t.loc["1", "mean"])
    # groups of 5 and 6 hide 11 >= 10 respondents together: nothing more is hidden
    t = stats.mean_by_group(_nw_frame({1: 40, 2: 30, 3: 5, 4: 6})).set_index("group")
    assert list(t.loc[["1", "2", "3", "4"], "suppressed"]) == [False, False, True, True]
    # empty groups (n = 0: "0", "5", "meer_dan_5" here) do not trigger it
    t = stats.mean_by_group(_nw_frame({1: 40, 2: 30})).set_index("group")
    assert t.loc["0", "n"] == 0 and t.loc["0", "suppressed"]
    assert list(t.loc[["1", "2"], "suppressed"]) == [False, False]


def test_distribution_by_group_secondary_suppression_with_two_groups():
    # 4 youths (hidden) and 12 parents: the parents are hidden too, else their counts
    # subtracted from the overall contact_one_on_one/say_in_plan counts give the youths'
    rt = ["jeugdige"] * 4 + ["ouder"] * 12 + [None]
    vals = ["nooit"] * 4 + ["meer_dan_1"] * 9 + ["1_keer"] * 3 + ["nooit"]
    t = stats.distribution_by_group(
        frame(respondent_type=rt, contact_one_on_one=vals),
        column="contact_one_on_one",
        group="respondent_type",
        groups=["jeugdige", "ouder"],
    )
    assert t["suppressed"].all() and t["n"].isna().all() and t["pct"].isna().all()
    assert not t["indicative"].any()
    # the bases stay available (group_bases)
    assert stats.group_bases(
        frame(respondent_type=rt, contact_one_on_one=vals),
        column="contact_one_on_one",
        group="respondent_type",
        groups=["jeugdige", "ouder"],
    ) == {"jeugdige": 4, "ouder": 12}
    # no youths at all (n = 0): the parents are shown
    t = stats.distribution_by_group(
        frame(respondent_type=rt[4:], contact_one_on_one=vals[4:]),
        column="contact_one_on_one",
        group="respondent_type",
        groups=["jeugdige", "ouder"],
    )
    assert list(t["suppressed"]) == [True] * 4 + [False] * 4
    assert list(t.loc[t["group"] == "ouder", "n"]) == [9, 3, 0, 0]


def test_pct_by_group_secondary_suppression_is_per_item():
    # item 1: nee 40, ja 5 answers -> ja hidden, nee hidden too (secondary)
    # item 2: nee 40, ja 30 answers -> both shown
    gap = ["nee"] * 40 + ["ja"] * 30
    q1 = ["ja"] * 40 + ["nee"] * 5 + [None] * 25
    q2 = ["ja"] * 20 + ["nee"] * 50
    t = stats.pct_by_group(
        frame(had_gap=gap, quality_clear=q1, quality_expert=q2),
        items=["quality_clear", "quality_expert"],
        group="had_gap",
        groups=["nee", "ja"],
    )
    assert list(zip(t["item"], t["group"], t["n"], t["suppressed"])) == [
        ("quality_clear", "nee", 40, True),
        ("quality_clear", "ja", 5, True),
        ("quality_expert", "nee", 40, False),
        ("quality_expert", "ja", 30, False),
    ]
    assert t.loc[:1, "n_positive"].isna().all() and t.loc[:1, "pct"].isna().all()
    assert list(t.loc[2:, "n_positive"]) == [20, 0]


# --------------------------------------------------------------------------- means


def test_mean_by_group_all_groups_in_code_order_with_t_interval():
    # the hidden groups "4" (8) and "meer_dan_5" (3) hold 11 >= 10: no secondary suppression
    nw = [1] * 10 + [6] * 3 + [2] * 12 + [None] * 2 + [4] * 8
    grades = list(range(1, 11)) + [5, 6, 7] + [8] * 11 + [None] + [3, 4] + [6] * 8
    t = stats.mean_by_group(frame(n_workers=nw, grade=grades))
    assert list(t.columns) == list(stats.MEAN_BY_GROUP_COLUMNS)
    assert list(t["group"]) == ["0", "1", "2", "3", "4", "5", "meer_dan_5"]
    assert list(t["n"]) == [0, 10, 11, 0, 8, 0, 3]  # "2": one grade missing
    assert list(t["suppressed"]) == [True, False, False, True, True, True, True]
    g1 = t.set_index("group").loc["1"]
    assert g1["mean"] == pytest.approx(5.5)
    assert g1["sd"] == pytest.approx(np.std(range(1, 11), ddof=1))
    half = st.t.ppf(0.975, 9) * g1["sd"] / math.sqrt(10)
    assert (g1["ci_low"], g1["ci_high"]) == pytest.approx((5.5 - half, 5.5 + half))
    g2 = t.set_index("group").loc["2"]
    assert g2["mean"] == 8.0 and g2["sd"] == 0.0 and g2["ci_low"] == 8.0
    big = t.set_index("group").loc["meer_dan_5"]
    assert big["suppressed"] and math.isnan(big["mean"]) and math.isnan(big["sd"]) and big["n"] == 3
    empty = t.set_index("group").loc["0"]
    assert empty["suppressed"] and empty["n"] == 0


# --------------------------------------------------------------------------- percentages


def test_pct_by_group_counts_positive_answers_per_group():
    gap = ["nee"] * 12 + ["ja"] * 8 + ["weet_niet"] * 5 + [None] * 2
    q = ["ja"] * 9 + ["nee"] * 2 + [None] + ["ja"] * 2 + ["een_beetje"] * 6 + ["ja"] * 7
    # ja (8) and weet_niet (5) are hidden, 13 >= 10 together: nee stays shown
    t = stats.pct_by_group(
        frame(had_gap=gap, quality_respectful=q),
        items=["quality_respectful"],
        group="had_gap",
        groups=["nee", "ja", "weet_niet"],
        min_cell=10,
    )
    assert list(t.columns) == list(stats.PCT_BY_GROUP_COLUMNS)
    nee = t.iloc[0]
    assert (nee["item"], nee["group"], nee["n"], nee["n_positive"]) == ("quality_respectful", "nee", 11, 9)
    assert nee["pct"] == pytest.approx(900 / 11) and not nee["suppressed"]
    ja = t.iloc[1]
    assert ja["n"] == 8 and ja["suppressed"] and pd.isna(ja["n_positive"]) and math.isnan(ja["pct"])
    assert t.iloc[2]["n"] == 5 and t.iloc[2]["suppressed"]


def test_share_of_four_or_more_workers():
    nw = [0, 1, 2, 3, 4, 5, 6, 6, 4, 1, 2, None]
    t = stats.share(frame(n_workers=nw), column="n_workers", values=[4, 5, 6], min_cell=10)
    row = t.iloc[0]
    assert row["category"] == "4|5|meer_dan_5"
    assert row["n"] == 11 and row["n_positive"] == 5
    assert row["pct"] == pytest.approx(500 / 11)
    with pytest.raises(ValueError):
        stats.share(frame(n_workers=nw), column="n_workers", values=["zeven"])


# --------------------------------------------------------------------------- trend tests

# Hollander, M. & Wolfe, D. A. (1999), Nonparametric Statistical Methods, 2nd ed., Wiley,
# section 6.2, Example 6.1 / Table 6.1 (motivational effect of knowledge of performance,
# Hundal 1969): three ordered groups of 6; the book gives J = 79, E0(J) = 54 and
# Var0(J) = 153 without ties, so J* = 25 / sqrt(153) = 2.02 (one-sided P = .0217).
HW_GROUPS = ([40, 35, 38, 43, 44, 41], [38, 40, 47, 44, 40, 42], [48, 40, 45, 43, 46, 44])


def _tie_corrected_var(groups) -> float:
    """Var0(J) with ties, Hollander & Wolfe (1999) eq. (6.19), written out independently."""
    ns = [len(g) for g in groups]
    N = sum(ns)
    pooled = [v for g in groups for v in g]
    ts = [pooled.count(v) for v in sorted(set(pooled))]
    a = (
        N * (N - 1) * (2 * N + 5)
        - sum(n * (n - 1) * (2 * n + 5) for n in ns)
        - sum(t * (t - 1) * (2 * t + 5) for t in ts)
    ) / 72
    b = sum(n * (n - 1) * (n - 2) for n in ns) * sum(t * (t - 1) * (t - 2) for t in ts) / (36 * N * (N - 1) * (N - 2))
    c = sum(n * (n - 1) for n in ns) * sum(t * (t - 1) for t in ts) / (8 * N * (N - 1))
    return a + b + c


def test_jonckheere_terpstra_pinned_to_hollander_wolfe_example():
    r = stats.jonckheere_terpstra(HW_GROUPS)
    assert r["j"] == 79.0
    # untied standardisation as printed in the book
    assert round((r["j"] - 54) / math.sqrt(153), 2) == 2.02
    z = (79 - 54) / math.sqrt(_tie_corrected_var(HW_GROUPS))
    assert r["z"] == pytest.approx(z, abs=1e-9)
    assert r["p_value"] == pytest.approx(math.erfc(abs(z) / math.sqrt(2)), abs=1e-12)


def test_trend_tests_match_scipy_on_a_frame(below_min_cell_floor):
    nw, grades = [], []
    for code, g in zip((0, 3, 6), HW_GROUPS):
        nw += [code] * len(g)
        grades += g
    df = frame(n_workers=nw + [None, 2], grade=grades + [7, None])
    t = stats.trend_tests(df, min_cell=0).set_index("test")  # groups of 6: no suppression
    assert list(t.index) == list(stats.TREND_TESTS)
    assert (t["n"] == 18).all()
    kw = st.kruskal(*HW_GROUPS)
    assert t.loc["kruskal_wallis", "statistic"] == pytest.approx(kw.statistic, abs=1e-12)
    assert t.loc["kruskal_wallis", "p_value"] == pytest.approx(kw.pvalue, abs=1e-12)
    rho = st.spearmanr(nw, grades)
    assert t.loc["spearman", "statistic"] == pytest.approx(rho.statistic, abs=1e-12)
    assert t.loc["spearman", "p_value"] == pytest.approx(rho.pvalue, abs=1e-12)
    z = 25 / math.sqrt(_tie_corrected_var(HW_GROUPS))
    assert t.loc["jonckheere_terpstra", "statistic"] == pytest.approx(z, abs=1e-9)
    # with the default min_cell (10) the three groups of 6 are hidden: no tests
    hidden = stats.trend_tests(df).set_index("test")
    assert hidden["statistic"].isna().all() and (hidden["n"] == 0).all()


def test_trend_tests_undefined_are_nan(below_min_cell_floor):
    t = stats.trend_tests(frame(n_workers=[1, 1, 1], grade=[5, 6, 7]), min_cell=0)
    assert t["statistic"].isna().all() and t["p_value"].isna().all()
    t = stats.trend_tests(frame(n_workers=[1, 1, 2, 2], grade=[5, 5, 5, 5]), min_cell=0)
    assert t["statistic"].isna().all()


def test_trend_tests_use_the_shown_groups_only(below_min_cell_floor):
    # 12 + 15 + 20 shown (codes 0, 3, 6), 4 + 7 hidden (codes 1 and 5; 11 >= 10, so no
    # secondary suppression).  The tests equal scipy on the three shown groups and do
    # not change when the hidden respondents' grades change.
    shown = {
        0: [3, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 2],
        3: [4, 5, 5, 6, 6, 6, 7, 7, 7, 8, 8, 9, 1, 2, 3],
        6: [1, 2, 2, 3, 3, 4, 4, 5, 5, 5, 6, 6, 7, 7, 8, 9, 1, 3, 4, 10],
    }

    def df_with(hidden_grade):
        nw, grades = [], []
        for code, g in shown.items():
            nw += [code] * len(g)
            grades += g
        nw += [1] * 4 + [5] * 7
        grades += [hidden_grade] * 11
        return frame(n_workers=nw, grade=grades)

    a = stats.trend_results(df_with(1))
    b = stats.trend_results(df_with(10))
    assert a == b
    assert a["groups"] == ["0", "3", "meer_dan_5"] and a["n"] == 47 and a["n_groups"] == 3
    kw = st.kruskal(*shown.values())
    assert a["kruskal_wallis"]["statistic"] == pytest.approx(kw.statistic, abs=1e-12)
    rho = st.spearmanr([c for c, g in shown.items() for _ in g], [v for g in shown.values() for v in g])
    assert a["spearman"]["rho"] == pytest.approx(rho.statistic, abs=1e-12)
    assert a["spearman"]["p_value"] == pytest.approx(rho.pvalue, abs=1e-12)
    # the groups of the tests are the shown groups of mean_by_group
    t = stats.mean_by_group(df_with(1))
    assert list(t.loc[~t["suppressed"], "group"]) == a["groups"]
    # with everything shown (min_cell 0) the hidden grades do count
    assert stats.trend_results(df_with(1), min_cell=0) != stats.trend_results(df_with(10), min_cell=0)


def test_trend_results_groups_equal_mean_by_group_shown_groups_on_random_frames(below_min_cell_floor):
    for seed in range(4):
        df = random_frame(seed, 120)  # small: groups "0" and "5" are often below 10
        for min_cell in (5, 10, 20):
            t = stats.mean_by_group(df, min_cell=min_cell)
            shown = [g for g, s, n in zip(t["group"], t["suppressed"], t["n"]) if not s and n > 0]
            r = stats.trend_results(df, min_cell=min_cell)
            assert r["groups"] == shown
            assert r["n"] == int(t.loc[~t["suppressed"], "n"].sum())
            hidden = t.loc[t["suppressed"] & (t["n"] > 0), "n"].sum()
            assert hidden == 0 or hidden >= min_cell


# --------------------------------------------------------------------------- random frames


def test_distribution_percentages_sum_to_100_on_random_frames(below_min_cell_floor):
    for seed in range(3):
        df = random_frame(seed, 250)
        for col in contract.DISTRIBUTION_FIGURES:
            t = stats.distribution(df, column=col, min_cell=0)
            assert t["pct"].sum() == pytest.approx(100.0)
            assert int(t["n"].sum()) == int(df[col].notna().sum())
            assert ((t["ci_low"] <= t["pct"] + 1e-9) & (t["pct"] <= t["ci_high"] + 1e-9)).all()


def test_stats_trend_from_counts_equals_scipy_and_statsmodels_on_the_rows():
    # issue 10 item 2: the trend tests from the table of counts (group x value) equal
    # scipy.stats.kruskal / spearmanr and statsmodels' jonckheere_terpstra on the rows themselves
    rng = np.random.default_rng(11)
    compared = 0
    for _ in range(250):
        k, nv = int(rng.integers(2, 7)), int(rng.integers(2, 11))
        samples = [rng.integers(1, nv + 1, int(s)).astype(float) for s in rng.integers(0, 60, k)]
        values = np.unique(np.concatenate(samples))
        with_data = [s for s in samples if len(s)]
        if len(with_data) < 2 or len(values) < 2:
            continue
        table = np.array([[int(np.sum(s == v)) for v in values] for s in samples])
        got = stats.trend_from_counts(table)
        group = np.concatenate([[i] * len(s) for i, s in enumerate(samples)]).astype(float)
        kw = st.kruskal(*with_data)
        rho = st.spearmanr(group, np.concatenate(samples))
        jt = stats.jonckheere_terpstra(with_data)  # statsmodels on the rows
        assert got["kruskal_wallis"]["statistic"] == pytest.approx(kw.statistic, rel=1e-9)
        assert got["kruskal_wallis"]["p_value"] == pytest.approx(kw.pvalue, rel=1e-9, abs=1e-300)
        assert got["spearman"]["rho"] == pytest.approx(rho.statistic, rel=1e-9, abs=1e-15)
        assert got["spearman"]["p_value"] == pytest.approx(rho.pvalue, rel=1e-9)
        assert got["jonckheere_terpstra"]["j"] == jt["j"]
        assert got["jonckheere_terpstra"]["statistic"] == pytest.approx(jt["z"], rel=1e-9, abs=1e-15)
        assert got["jonckheere_terpstra"]["p_value"] == pytest.approx(jt["p_value"], rel=1e-9)
        compared += 1
    assert compared > 150


def test_stats_trend_from_counts_is_undefined_with_one_group_or_one_value():
    one_group = stats.trend_from_counts(np.array([[3, 4, 5], [0, 0, 0]]))
    assert all(math.isnan(v) for t in one_group.values() for v in t.values())
    tied = stats.trend_from_counts(np.array([[7], [9]]))
    assert math.isnan(tied["kruskal_wallis"]["statistic"]) and math.isnan(tied["spearman"]["rho"])
    assert math.isnan(tied["jonckheere_terpstra"]["statistic"])


def test_stats_trend_from_counts_refuses_scores_that_do_not_order_the_groups():
    with pytest.raises(ValueError, match="scores"):
        stats.trend_from_counts(np.array([[3, 1, 0], [1, 1, 1], [1, 2, 4]]), scores=[0, 0, 1])
    with pytest.raises(ValueError, match="scores"):
        stats.trend_from_counts(np.array([[3, 1], [1, 1]]), scores=[0, 1, 2])


def test_stats_counts_give_the_same_tables_as_the_rows():
    # issue 10 item 2: every statistic reads stats.Counts (respondents per combination of answers)
    # as it reads rows; means and sds from weighted sums may differ in the last bits only
    from pandas.testing import assert_frame_equal

    for seed in range(4):
        df = random_frame(seed, n=400)
        c = lambda *cols: stats.count_rows(df, cols)  # noqa: E731
        assert len(c("gi")) == len(df)
        for col in ("explained_at_start", "say_in_plan", "n_workers", "had_gap"):
            assert_frame_equal(stats.distribution(c(col), column=col), stats.distribution(df, column=col))
        assert_frame_equal(
            stats.distribution_by_group(c("say_in_plan", "had_gap"), column="say_in_plan", group="had_gap"),
            stats.distribution_by_group(df, column="say_in_plan", group="had_gap"),
        )
        assert_frame_equal(
            stats.mean_by_group(c("grade", "n_workers"), value="grade", group="n_workers"),
            stats.mean_by_group(df, value="grade", group="n_workers"),
            rtol=1e-12,
        )
        items = contract.QUALITY_ITEMS
        assert_frame_equal(
            stats.pct_by_group(c(*items, "had_gap"), items=items, group="had_gap", groups=("nee", "ja")),
            stats.pct_by_group(df, items=items, group="had_gap", groups=("nee", "ja")),
        )
        assert_frame_equal(
            stats.share(c("n_workers"), column="n_workers", values=[4, 5, 6]),
            stats.share(df, column="n_workers", values=[4, 5, 6]),
        )
        got = stats.trend_results(c("grade", "n_workers"), min_cell=10)
        want = stats.trend_results(df, min_cell=10)
        assert got["n"] == want["n"] and got["groups"] == want["groups"]
        for test in stats.TREND_TESTS:
            for k, v in want[test].items():
                assert got[test][k] == pytest.approx(v, rel=1e-12, nan_ok=True)
