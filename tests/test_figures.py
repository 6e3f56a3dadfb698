"""Tests of analysis.figures: the registry, figure shapes and suppression after filters."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from _helpers_stats import random_frame

from analysis import contract, stats
from analysis.figures import (
    TEXT_STATISTIC_IDS,
    FigureResult,
    compute_figure,
    compute_figures,
    compute_text_statistics,
)
from analysis.filters import filter_responses

KIND_COLUMNS = {
    "distribution": stats.DISTRIBUTION_COLUMNS,
    "distribution_by_group": stats.DISTRIBUTION_BY_GROUP_COLUMNS,
    "mean_by_group": stats.MEAN_BY_GROUP_COLUMNS,
    "pct_by_group": stats.PCT_BY_GROUP_COLUMNS,
    "share": stats.SHARE_COLUMNS,
}
EXPECTED_KINDS = {
    **{f: "distribution" for f in contract.DISTRIBUTION_FIGURES},
    "grade_by_workers": "mean_by_group",
    "worker_qualities_by_gap": "pct_by_group",
    "contact_one_on_one": "distribution_by_group",
}


def test_compute_figures_every_contract_id_in_order():
    figs = compute_figures(random_frame(1, 400))
    assert [f.id for f in figs] == list(contract.FIGURE_IDS)
    for f in figs:
        assert isinstance(f, FigureResult)
        assert f.kind == EXPECTED_KINDS[f.id]
        assert list(f.table.columns) == list(KIND_COLUMNS[f.kind])
        assert f.title and f.title_en and f.title != f.title_en
        assert f.items and all(i in contract.COLUMNS for i in f.items)
        assert (f.tests is not None) == (f.id == "grade_by_workers")


def test_compute_figures_titles_follow_the_inspection_report():
    titles = {f.id: f.title for f in compute_figures(random_frame(2, 50))}
    assert titles["grade_by_workers"] == "Het rapportcijfer in relatie tot het aantal jeugdzorgwerkers"
    assert titles["explained_at_start"] == "Is er bij de start uitgelegd wat er ging gebeuren?"


def test_grade_by_workers_groups_tests_and_base():
    df = random_frame(3, 500)
    fig = compute_figure(df, "grade_by_workers")
    assert list(fig.table["group"]) == ["0", "1", "2", "3", "4", "5", "meer_dan_5"]
    both = df["n_workers"].notna() & df["grade"].notna()
    assert fig.base_n == int(both.sum())
    assert sum(fig.group_n.values()) == fig.base_n
    assert set(fig.tests) == {"kruskal_wallis", "spearman", "jonckheere_terpstra"}
    assert set(fig.tests["kruskal_wallis"]) == {"statistic", "p_value"}
    assert set(fig.tests["spearman"]) == {"rho", "p_value"}
    assert {"statistic", "p_value"} <= set(fig.tests["jonckheere_terpstra"])
    assert 0 <= fig.tests["spearman"]["p_value"] <= 1


def test_grade_by_workers_tests_null_for_one_group_or_small_base(below_min_cell_floor):
    df = random_frame(4, 200)
    one_group = df[df["n_workers"] == 2].reset_index(drop=True)
    assert compute_figure(one_group, "grade_by_workers").tests is None
    small = df.iloc[:9].copy()
    assert small["n_workers"].nunique() >= 2
    fig = compute_figure(small, "grade_by_workers", min_cell=10)
    assert fig.tests is None and fig.table["suppressed"].all()
    assert compute_figure(small, "grade_by_workers", min_cell=1).tests is not None


def test_grade_by_workers_tests_over_shown_groups_only():
    """The tests equal scipy on the grades of the shown groups, and ignore the hidden ones."""
    from scipy import stats as st

    df = random_frame(21, 150)  # groups "0" and "5" are small here
    fig = compute_figure(df, "grade_by_workers")
    t = fig.table
    shown = [g for g, s, n in zip(t["group"], t["suppressed"], t["n"]) if not s and n > 0]
    assert 2 <= len(shown) < int((t["n"] > 0).sum())  # some groups with data are hidden
    code = {v: k for k, v in contract.WORKER_GROUPS.items()}
    both = df[df["n_workers"].notna() & df["grade"].notna()]
    samples = [both.loc[both["n_workers"] == code[g], "grade"].astype(float).tolist() for g in shown]
    kw = st.kruskal(*samples)
    assert fig.tests["kruskal_wallis"]["statistic"] == pytest.approx(kw.statistic, abs=1e-12)
    rho = st.spearmanr([code[g] for g, s in zip(shown, samples) for _ in s], sum(samples, []))
    assert fig.tests["spearman"]["rho"] == pytest.approx(rho.statistic, abs=1e-12)
    # changing every hidden grade changes nothing
    hidden = both["n_workers"].map(lambda c: contract.WORKER_GROUPS[int(c)] not in shown)
    other = df.copy()
    other.loc[hidden[hidden].index, "grade"] = 10
    assert compute_figure(other, "grade_by_workers").tests == fig.tests


def test_worker_qualities_by_gap_leaves_out_weet_niet_and_empty():
    df = random_frame(5, 400)
    fig = compute_figure(df, "worker_qualities_by_gap")
    assert fig.base_n == int(df["had_gap"].isin(["nee", "ja"]).sum())
    assert fig.group_n == {"nee": int((df["had_gap"] == "nee").sum()), "ja": int((df["had_gap"] == "ja").sum())}
    t = fig.table
    assert list(t["item"].unique()) == list(contract.QUALITY_ITEMS)
    assert list(t["group"][:2]) == ["nee", "ja"]
    row = t[(t["item"] == "quality_respectful") & (t["group"] == "ja")].iloc[0]
    sel = df[df["had_gap"] == "ja"]["quality_respectful"].dropna()
    assert row["n"] == len(sel) and row["n_positive"] == int((sel == "ja").sum())


def test_contact_one_on_one_by_respondent_type():
    df = random_frame(6, 400)
    fig = compute_figure(df, "contact_one_on_one")
    assert list(fig.table["group"].unique()) == ["jeugdige", "ouder"]
    assert list(fig.table["category"][:4]) == list(contract.CODES["contact_one_on_one"])
    assert fig.base_n == int(df["contact_one_on_one"].notna().sum())


def test_text_statistics_share_and_say_in_plan():
    df = random_frame(7, 400)
    texts = {f.id: f for f in compute_text_statistics(df)}
    assert tuple(texts) == TEXT_STATISTIC_IDS
    four = texts["n_workers_4_or_more"].table.iloc[0]
    nw = df["n_workers"].dropna()
    assert four["pct"] == pytest.approx(100 * (nw >= 4).mean())
    youth = texts["say_in_plan_by_respondent_type"].table
    row = youth[(youth["group"] == "jeugdige") & (youth["category"] == "nee")].iloc[0]
    sel = df[df["respondent_type"] == "jeugdige"]["say_in_plan"].dropna()
    assert row["pct"] == pytest.approx(100 * (sel == "nee").mean())
    gap = texts["say_in_plan_by_gap"].table
    row = gap[(gap["group"] == "ja") & (gap["category"] == "nee")].iloc[0]
    sel = df[df["had_gap"] == "ja"]["say_in_plan"].dropna()
    assert row["pct"] == pytest.approx(100 * (sel == "nee").mean())


def test_compute_figure_unknown_id_raises():
    with pytest.raises(ValueError, match="unknown figure id"):
        compute_figure(random_frame(8, 10), "fig99")


# --------------------------------------------------------------------------- suppression


def _group_base(df: pd.DataFrame, fig: FigureResult, row) -> int:
    """The base n behind one table row, recomputed straight from the filtered frame."""
    if fig.kind == "distribution":
        return int(df[fig.items[0]].notna().sum())
    if fig.kind == "share":
        return int(df[row["item"]].notna().sum())
    if fig.kind == "distribution_by_group":
        col, grp = fig.items
        return int((df[col].notna() & (df[grp] == row["group"]).fillna(False)).sum())
    if fig.kind == "mean_by_group":
        code = {v: k for k, v in contract.WORKER_GROUPS.items()}[row["group"]]
        return int((df["grade"].notna() & (df["n_workers"] == code).fillna(False)).sum())
    if fig.kind == "pct_by_group":
        return int((df[row["item"]].notna() & (df["had_gap"] == row["group"]).fillna(False)).sum())
    raise AssertionError(fig.kind)


def _assert_secondary_suppression(fig: FigureResult, bases: list[int], hidden: list[bool], min_cell: int) -> None:
    """One grouped table (one item of a pct_by_group): no hidden group follows by subtraction.

    Hidden groups with respondents hold none or at least min_cell respondents
    together (unless every group with respondents is hidden), and a group hidden
    only by the secondary rule (base >= min_cell) is never bigger than a shown one.
    """
    with_data = [(b, h) for b, h in zip(bases, hidden) if b > 0]
    held = sum(b for b, h in with_data if h)
    assert held == 0 or held >= min_cell or all(h for _, h in with_data), (fig.id, bases, hidden)
    shown = [b for b, h in with_data if not h]
    secondary = [b for b, h in with_data if h and b >= min_cell]
    if shown and secondary:
        assert max(secondary) <= min(shown), (fig.id, bases, hidden)
    if held == 0 or held >= min_cell:
        # nothing more hidden than needed: without a secondary group the rule would fail
        assert len(secondary) <= 1, (fig.id, bases, hidden)


def assert_no_small_cells(df: pd.DataFrame, figs, min_cell: int) -> int:
    """No estimate may be shown for a base below min_cell, and grouped tables get secondary
    suppression; returns the number of suppressed rows."""
    n_suppressed = 0
    for fig in figs:
        est = [c for c in ("pct", "mean", "sd", "ci_low", "ci_high") if c in fig.table.columns]
        groups: dict = {}
        for _, row in fig.table.iterrows():
            base = _group_base(df, fig, row)
            small = base < min_cell or fig.base_n < min_cell
            if small:
                assert row["suppressed"], (fig.id, dict(row), base)
            if "group" in row.index:
                key = (row["item"] if "item" in row.index else None, row["group"])
                groups[key] = (base, bool(row["suppressed"]))
            else:
                assert bool(row["suppressed"]) == small, (fig.id, dict(row), base)
            small = bool(row["suppressed"])
            if small:
                n_suppressed += 1
                assert all(pd.isna(row[c]) for c in est), (fig.id, dict(row))
                assert not row["indicative"]
                if fig.kind in ("distribution", "distribution_by_group"):
                    assert pd.isna(row["n"]), (fig.id, dict(row))
                if "n_positive" in row.index:
                    assert pd.isna(row["n_positive"]), (fig.id, dict(row))
            else:
                assert row["indicative"] == (base < contract.INDICATIVE_BELOW)
                if base > 0 and "pct" in row.index:
                    assert not math.isnan(row["pct"])
        for item in dict.fromkeys(k[0] for k in groups):
            cells = [v for k, v in groups.items() if k[0] == item]
            _assert_secondary_suppression(fig, [b for b, _ in cells], [h for _, h in cells], min_cell)
        if fig.tests is not None:
            assert fig.base_n >= min_cell
            shown = [
                g for g, s, n in zip(fig.table["group"], fig.table["suppressed"], fig.table["n"]) if not s and n > 0
            ]
            assert len(shown) >= 2, (fig.id, shown)
    return n_suppressed


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"gi": "WSS"},
        {"gi": "JBW", "respondent_type": "jeugdige"},
        {"respondent_type": "jeugdige", "measure_type": "jeugdreclassering"},
        {"gi": ["JBN", "JBG"], "measure_type": ["ots", "voogdij"]},
        {"round_id": "bestaat-niet"},
    ],
)
@pytest.mark.parametrize("min_cell", [10, 25])
def test_compute_figures_suppression_after_filters(filters, min_cell):
    total_suppressed = 0
    for seed in (11, 12):
        df = filter_responses(random_frame(seed, 600), **filters)
        figs = compute_figures(df, min_cell=min_cell) + compute_text_statistics(df, min_cell=min_cell)
        total_suppressed += assert_no_small_cells(df, figs, min_cell)
    if filters:  # every filtered case here produces some small groups
        assert total_suppressed > 0


def test_compute_figures_on_empty_frame():
    df = random_frame(13, 5).iloc[:0].reset_index(drop=True)
    figs = compute_figures(df)
    assert all(f.base_n == 0 and f.table["suppressed"].all() for f in figs)
    assert next(f for f in figs if f.id == "grade_by_workers").tests is None
