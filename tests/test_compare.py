"""Tests of analysis.compare: institution vs rest and round vs round comparisons."""

from __future__ import annotations

import math
import uuid

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analysis import compare, contract
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


def _two_groups(k1, n1, k2, n2, *, item="explained_at_start", a="JBN", b=("JBG", "JBW")):
    """Group a: k1 of n1 'ja' (rest 'nee'); the others split over the b institutions."""
    gi = [a] * n1 + [b[i % len(b)] for i in range(n2)]
    ans = ["ja"] * k1 + ["nee"] * (n1 - k1) + ["ja"] * k2 + ["nee"] * (n2 - k2)
    return _frame({"gi": gi, item: ans})


def _random_frame(seed=1, n=600):
    rng = np.random.default_rng(seed)
    cols = {
        "gi": rng.choice(contract.GI_CODES, n).tolist(),
        "round_id": rng.choice(["2024", "2025"], n).tolist(),
        "grade": rng.integers(1, 11, n).tolist(),
        "n_workers": rng.integers(0, 7, n).tolist(),
    }
    for item, codes in contract.CODES.items():
        if item in ("respondent_type",):
            continue
        vals = rng.choice(list(codes) + [""], n).tolist()
        cols[item] = vals
    return _frame(cols)


# ----------------------------------------------------------------------------- intervals


@pytest.mark.parametrize(
    "k1,n1,k2,n2,low,high",
    [
        # Newcombe (1998), Statistics in Medicine 17:873-890, table II, method 10
        # (score interval, no continuity correction), examples (a), (b), (d), (e), (g), (h).
        (56, 70, 48, 80, 0.0524, 0.3339),
        (9, 10, 3, 10, 0.1705, 0.8090),
        (5, 56, 0, 29, -0.0381, 0.1926),
        (0, 10, 0, 20, -0.1611, 0.2775),
        (10, 10, 0, 20, 0.6791, 1.0000),
        (10, 10, 0, 10, 0.6075, 1.0000),
    ],
)
def test_newcombe_interval_matches_newcombe_1998_table_ii(k1, n1, k2, n2, low, high):
    lo, hi = compare.newcombe_interval(k1, n1, k2, n2)
    assert lo == pytest.approx(low, abs=5e-5)
    assert hi == pytest.approx(high, abs=5e-5)


def test_newcombe_interval_is_nan_for_an_empty_side():
    assert all(math.isnan(v) for v in compare.newcombe_interval(3, 10, 0, 0))


def test_two_proportion_z_squared_equals_pearson_chi_square():
    z, p = compare.two_proportion_z(56, 70, 48, 80)
    chi2, p_chi, _, _ = stats.chi2_contingency([[56, 14], [48, 32]], correction=False)
    assert z > 0
    assert z**2 == pytest.approx(chi2, rel=1e-12)
    assert p == pytest.approx(p_chi, rel=1e-10)


def test_two_proportion_z_undefined_when_everyone_positive():
    z, p = compare.two_proportion_z(20, 20, 30, 30)
    assert math.isnan(z) and math.isnan(p)


def test_welch_interval_matches_scipy_welch_t_test():
    rng = np.random.default_rng(7)
    x1, x2 = rng.integers(1, 11, 40), rng.integers(3, 11, 25)
    ci = stats.ttest_ind(x1, x2, equal_var=False).confidence_interval(0.95)
    lo, hi = compare.welch_interval(x1, x2)
    assert lo == pytest.approx(ci.low, rel=1e-10)
    assert hi == pytest.approx(ci.high, rel=1e-10)


# ----------------------------------------------------------------------------- compare_groups


def test_compare_groups_proportion_row_matches_newcombe_example():
    df = _two_groups(56, 70, 48, 80)
    out = compare.compare_groups(df, by="gi", a="JBN", items=["explained_at_start"])
    assert list(out.columns) == list(compare.COMPARE_COLUMNS)
    r = out.iloc[0]
    assert r["measure"] == "pct_positive" and r["test"] == "two_proportion_z"
    assert (r["a_n"], r["b_n"]) == (70, 80)
    assert r["a_estimate"] == pytest.approx(80.0)
    assert r["b_estimate"] == pytest.approx(60.0)
    assert r["difference"] == pytest.approx(20.0)
    # 56/70 - 48/80 in percentage points, Newcombe (1998) table II (a): 5.24 to 33.39
    assert r["ci_low"] == pytest.approx(5.24, abs=5e-3)
    assert r["ci_high"] == pytest.approx(33.39, abs=5e-3)
    chi2, p_chi, _, _ = stats.chi2_contingency([[56, 14], [48, 32]], correction=False)
    assert r["statistic"] == pytest.approx(math.sqrt(chi2))
    assert r["p_value"] == pytest.approx(p_chi)
    assert r["p_holm"] == pytest.approx(p_chi)  # one test: Holm leaves it unchanged
    assert not r["suppressed"]


def test_compare_groups_rest_pools_all_other_institutions():
    df = _random_frame(seed=3)
    out = compare.compare_groups(df, by="gi", a="JBN")
    others = df[df["gi"] != "JBN"]
    for item in ("opinion_asked", "had_gap"):
        r = out.set_index("item").loc[item]
        answered = others[item].dropna()
        pos = answered.isin(compare.POSITIVE_CODES[item]).sum()
        assert r["b_n"] == len(answered)
        assert r["b_estimate"] == pytest.approx(100 * pos / len(answered))
    # same numbers as on the relabelled frame in which the others no longer exist separately
    pooled = compare.institution_vs_rest(df, gi="JBN")
    assert set(pooled["gi"].unique()) == {"JBN", "rest"}
    pd.testing.assert_frame_equal(out, compare.compare_groups(pooled, by="gi", a="JBN"))
    pd.testing.assert_frame_equal(out, compare.compare_institution(df, gi="JBN"))


def test_compare_groups_rows_without_group_are_in_neither_side():
    df = _two_groups(56, 70, 48, 80)
    df.loc[:9, "gi"] = pd.NA  # ten of JBN's rows lose their institution
    out = compare.compare_groups(df, by="gi", a="JBN", items=["explained_at_start"])
    assert (out.loc[0, "a_n"], out.loc[0, "b_n"]) == (60, 80)
    pooled = compare.institution_vs_rest(df, gi="JBN")
    assert len(pooled) == 140


def test_compare_groups_suppresses_small_side_and_leaves_it_out_of_holm(below_min_cell_floor):
    df = _two_groups(56, 70, 48, 80, item="quality_clear")
    # asked_safety: only 9 of JBN's 70 answered it (6 ja); all 80 others answered
    df["asked_safety"] = pd.Series(["ja"] * 6 + ["nee"] * 3 + [pd.NA] * 61 + ["ja"] * 48 + ["nee"] * 32, dtype="string")
    out = compare.compare_groups(df, by="gi", a="JBN", items=["asked_safety", "quality_clear"])
    small = out.iloc[0]
    assert small["suppressed"] and (small["a_n"], small["b_n"]) == (9, 80)
    for c in ("a_estimate", "b_estimate", "difference", "ci_low", "ci_high", "statistic", "p_value", "p_holm"):
        assert math.isnan(small[c]), c
    # the other item is the only test in the family
    assert out.iloc[1]["p_holm"] == pytest.approx(out.iloc[1]["p_value"])
    # min_cell lower than the side: shown
    out5 = compare.compare_groups(df, by="gi", a="JBN", items=["asked_safety"], min_cell=5)
    assert not out5.iloc[0]["suppressed"]
    assert out5.iloc[0]["a_estimate"] == pytest.approx(100 * 6 / 9)


def test_compare_groups_grade_uses_welch_interval_and_mann_whitney():
    rng = np.random.default_rng(11)
    g_a, g_b = rng.integers(4, 11, 45), rng.integers(1, 11, 60)
    df = _frame({"gi": ["JBN"] * 45 + ["WSS"] * 60, "grade": list(g_a) + list(g_b)})
    r = compare.compare_groups(df, by="gi", a="JBN", items=["grade"]).iloc[0]
    assert r["measure"] == "mean" and r["test"] == "mann_whitney_u"
    assert r["difference"] == pytest.approx(g_a.mean() - g_b.mean())
    ci = stats.ttest_ind(g_a, g_b, equal_var=False).confidence_interval(0.95)
    assert (r["ci_low"], r["ci_high"]) == (pytest.approx(ci.low), pytest.approx(ci.high))
    # independent Mann-Whitney: U from rank sums, normal approximation with tie
    # correction and continuity correction 0.5 (Mann & Whitney 1947; scipy's default)
    x = np.concatenate([g_a, g_b])
    ranks = stats.rankdata(x)
    n1, n2 = len(g_a), len(g_b)
    u1 = ranks[:n1].sum() - n1 * (n1 + 1) / 2
    _, t = np.unique(x, return_counts=True)
    n = n1 + n2
    sigma = math.sqrt(n1 * n2 / 12 * ((n + 1) - (t**3 - t).sum() / (n * (n - 1))))
    z = (abs(u1 - n1 * n2 / 2) - 0.5) / sigma
    assert r["statistic"] == pytest.approx(u1)
    assert r["p_value"] == pytest.approx(2 * stats.norm.sf(z), rel=1e-9)


def test_compare_groups_holm_adjustment_matches_step_down_formula():
    df = _random_frame(seed=5, n=900)
    out = compare.compare_groups(df, by="round_id", a="2025", b="2024")
    p = out["p_value"].to_numpy()
    assert not np.isnan(p).any()
    m = len(p)
    order = np.argsort(p)
    adj = np.maximum.accumulate((m - np.arange(m)) * p[order]).clip(max=1)
    expected = np.empty(m)
    expected[order] = adj
    np.testing.assert_allclose(out["p_holm"].to_numpy(), expected, rtol=1e-12)
    assert list(out["item"]) == list(compare.DEFAULT_ITEMS)


def test_compare_groups_round_vs_round_uses_only_those_rounds():
    df = _random_frame(seed=8)
    df["round_id"] = np.resize(np.array(["2023", "2024", "2025"], dtype=object), len(df))
    out = compare.compare_groups(df, by="round_id", a="2025", b="2023", items=["grade"])
    assert out.loc[0, "a_n"] == df.loc[df["round_id"] == "2025", "grade"].notna().sum()
    assert out.loc[0, "b_n"] == df.loc[df["round_id"] == "2023", "grade"].notna().sum()


def test_compare_groups_weet_niet_counts_in_base_not_as_positive():
    df = _frame(
        {
            "gi": ["JBN"] * 20 + ["JBG"] * 20,
            "say_in_plan": ["ja"] * 10 + ["geen_plan_bekend"] * 10 + ["ja"] * 5 + ["nee"] * 15,
        }
    )
    r = compare.compare_groups(df, by="gi", a="JBN", items=["say_in_plan"]).iloc[0]
    assert (r["a_n"], r["a_estimate"], r["b_estimate"]) == (20, 50.0, 25.0)


def test_compare_groups_rejects_overlap_and_unknown_item():
    df = _random_frame()
    with pytest.raises(ValueError, match="overlap"):
        compare.compare_groups(df, by="gi", a="JBN", b=["JBN", "JBG"])
    with pytest.raises(ValueError, match="cannot be compared"):
        compare.compare_groups(df, by="gi", a="JBN", items=["comment_grade"])
    with pytest.raises(ValueError, match="not codes"):
        compare.compare_groups(
            df, by="gi", a="JBN", items=["asked_safety"], positive_codes={"asked_safety": ["altijd"]}
        )


def test_institution_vs_rest_rejects_rest_as_institution():
    with pytest.raises(ValueError):
        compare.institution_vs_rest(_random_frame(), gi="rest")


def test_positive_codes_are_contract_codes():
    for item, codes in compare.POSITIVE_CODES.items():
        assert set(codes) <= set(contract.CODES[item]), item
        assert not set(codes) & {"weet_niet", "geen_plan_bekend"}


def test_holm_matches_statsmodels_multipletests():
    # reference: statsmodels.stats.multitest.multipletests(method="holm"), an independent implementation
    from statsmodels.stats.multitest import multipletests

    from analysis.compare import holm

    rng = np.random.default_rng(9)
    for m in (1, 2, 5, 17):
        p = rng.uniform(0, 0.2, m)
        p[: m // 3] = p[0]  # ties
        assert np.allclose(holm(p), multipletests(p, method="holm")[1], rtol=0, atol=1e-15)
