"""Tests of analysis.stats: pinned to published and independently computed values."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats as st
from statsmodels.stats.proportion import proportion_confint

from analysis import contract, stats
from analysis.frame import canonical_frame

from _helpers_stats import random_frame


def frame(**cols) -> pd.DataFrame:
    n = max(len(v) for v in cols.values())
    base = {"response_id": [f"id-{i}" for i in range(n)], "round_id": ["r"] * n, "gi": ["JBN"] * n,
            "respondent_type": ["ouder"] * n, "submitted_week": ["2025-W01"] * n}
    base.update(cols)
    return canonical_frame(pd.DataFrame(base))


# --------------------------------------------------------------------------- Wilson

@pytest.mark.parametrize("k, n, low, high", [
    # Newcombe RG (1998) Two-sided confidence intervals for the single proportion:
    # comparison of seven methods. Stat Med 17:857-872, Table II, method 3 (Wilson score).
    (81, 263, 0.2553, 0.3662),
    (15, 148, 0.0624, 0.1605),
    (0, 20, 0.0000, 0.1611),
    (1, 29, 0.0061, 0.1718),
])
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


def test_distribution_suppresses_small_base_and_hides_counts():
    vals = ["ja"] * 5 + ["nee"] * 4
    t = stats.distribution(frame(had_gap=vals), column="had_gap", min_cell=10)
    assert t["suppressed"].all()
    assert t["pct"].isna().all() and t["ci_low"].isna().all() and t["ci_high"].isna().all()
    assert t["n"].isna().all()
    assert not t["indicative"].any()
    shown = stats.distribution(frame(had_gap=vals), column="had_gap", min_cell=9)
    assert not shown["suppressed"].any()
    assert list(shown["n"]) == [5, 4, 0]


def test_distribution_n_workers_uses_worker_group_labels():
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
    rt = ["jeugdige"] * 4 + ["ouder"] * 12 + [None]
    vals = ["nooit"] * 4 + ["meer_dan_1"] * 9 + ["1_keer"] * 3 + ["nooit"]
    t = stats.distribution_by_group(frame(respondent_type=rt, contact_one_on_one=vals),
                                    column="contact_one_on_one", group="respondent_type",
                                    groups=["jeugdige", "ouder"])
    assert list(t.columns) == list(stats.DISTRIBUTION_BY_GROUP_COLUMNS)
    youth = t[t["group"] == "jeugdige"]
    parents = t[t["group"] == "ouder"]
    assert youth["suppressed"].all() and youth["n"].isna().all() and youth["pct"].isna().all()
    assert list(parents["n"]) == [9, 3, 0, 0]
    np.testing.assert_allclose(parents["pct"], [75.0, 25.0, 0.0, 0.0])


# --------------------------------------------------------------------------- means

def test_mean_by_group_all_groups_in_code_order_with_t_interval():
    nw = [1] * 10 + [6] * 3 + [2] * 12 + [None] * 2
    grades = list(range(1, 11)) + [5, 6, 7] + [8] * 11 + [None] + [3, 4]
    t = stats.mean_by_group(frame(n_workers=nw, grade=grades))
    assert list(t.columns) == list(stats.MEAN_BY_GROUP_COLUMNS)
    assert list(t["group"]) == ["0", "1", "2", "3", "4", "5", "meer_dan_5"]
    assert list(t["n"]) == [0, 10, 11, 0, 0, 0, 3]  # "2": one grade missing
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
    t = stats.pct_by_group(frame(had_gap=gap, quality_respectful=q), items=["quality_respectful"],
                           group="had_gap", groups=["nee", "ja"], min_cell=10)
    assert list(t.columns) == list(stats.PCT_BY_GROUP_COLUMNS)
    nee = t.iloc[0]
    assert (nee["item"], nee["group"], nee["n"], nee["n_positive"]) == ("quality_respectful", "nee", 11, 9)
    assert nee["pct"] == pytest.approx(900 / 11)
    ja = t.iloc[1]
    assert ja["n"] == 8 and ja["suppressed"] and pd.isna(ja["n_positive"]) and math.isnan(ja["pct"])


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
    a = (N * (N - 1) * (2 * N + 5) - sum(n * (n - 1) * (2 * n + 5) for n in ns)
         - sum(t * (t - 1) * (2 * t + 5) for t in ts)) / 72
    b = (sum(n * (n - 1) * (n - 2) for n in ns) * sum(t * (t - 1) * (t - 2) for t in ts)
         / (36 * N * (N - 1) * (N - 2)))
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


def test_trend_tests_match_scipy_on_a_frame():
    nw, grades = [], []
    for code, g in zip((0, 3, 6), HW_GROUPS):
        nw += [code] * len(g)
        grades += g
    df = frame(n_workers=nw + [None, 2], grade=grades + [7, None])
    t = stats.trend_tests(df).set_index("test")
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


def test_trend_tests_undefined_are_nan():
    t = stats.trend_tests(frame(n_workers=[1, 1, 1], grade=[5, 6, 7]))
    assert t["statistic"].isna().all() and t["p_value"].isna().all()
    t = stats.trend_tests(frame(n_workers=[1, 1, 2, 2], grade=[5, 5, 5, 5]))
    assert t["statistic"].isna().all()


# --------------------------------------------------------------------------- random frames

def test_distribution_percentages_sum_to_100_on_random_frames():
    for seed in range(3):
        df = random_frame(seed, 250)
        for col in contract.DISTRIBUTION_FIGURES:
            t = stats.distribution(df, column=col, min_cell=0)
            assert t["pct"].sum() == pytest.approx(100.0)
            assert int(t["n"].sum()) == int(df[col].notna().sum())
            assert ((t["ci_low"] <= t["pct"] + 1e-9) & (t["pct"] <= t["ci_high"] + 1e-9)).all()
