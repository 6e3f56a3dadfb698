"""Tests of analysis.reference: the published 2025 figures and the reproduce comparison."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from analysis import reference
from analysis.reference import COMPARE_COLUMNS, compare_to_published, load_published, printed_decimals, round_half_up
from sample_data import generate

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "reference" / "inspectie-2025-published-figures.yaml"


@pytest.fixture(scope="module")
def df() -> pd.DataFrame:
    return generate()


def _published_numbers(pub: dict) -> int:
    """Count the numbers printed in the YAML, walking it independently of reference.py."""
    n = 3  # respondents: total, jeugdige, ouder
    for fig in pub["figures"].values():
        if "percent" in fig:
            n += len(fig["percent"])
        elif "rows" in fig:
            n += 2 * len(fig["rows"])  # mean and n
        else:
            n += sum(len(v) for v in fig["percent_no_gap_vs_gap"].values())
    for v in pub["text_statistics"].values():
        n += len(v) if isinstance(v, dict) else 1
    return n


def test_published_copy_equals_shared_reference():
    if not SHARED.exists():
        pytest.skip(f"{SHARED} not present")
    assert reference.PUBLISHED_PATH.read_bytes() == SHARED.read_bytes()


def test_load_published_reads_the_2025_figures():
    pub = load_published()
    assert pub["respondents"] == {"total": 1523, "jeugdige": 372, "ouder": 1151}
    assert pub["figures"]["fig7_grade_by_workers"]["rows"][4] == ["4", 2.3, 169]
    assert load_published(reference.PUBLISHED_PATH) == pub


@pytest.mark.parametrize(
    "value, decimals, expected",
    [
        (40.95, 1, 41.0),  # half up, not banker's rounding
        (2.25, 1, 2.3),  # 2.25 is 2.24999.. in binary: still half up
        (42.5, 0, 43.0),
        (0.5, 0, 1.0),
        (100 * 0.4095, 1, 41.0),  # 40.949999999999996 in floating point
        (36.655518, 0, 37.0),
        (22.652659, 1, 22.7),
        (2.301775, 1, 2.3),
        (float("nan"), 0, float("nan")),
    ],
)
def test_round_half_up_rounds_as_printed(value, decimals, expected):
    got = round_half_up(value, decimals)
    if np.isnan(expected):
        assert np.isnan(got)
    else:
        assert got == expected


def test_printed_decimals_follow_the_printed_value():
    assert printed_decimals(41) == 0
    assert printed_decimals(9.1) == 1
    assert printed_decimals(59.0) == 1
    assert printed_decimals(22.75) == 2


def test_compare_to_published_covers_every_number(df):
    table = compare_to_published(df)
    assert tuple(table.columns) == COMPARE_COLUMNS
    assert len(table) == _published_numbers(load_published()) == 62
    assert not table.duplicated(["figure", "key"]).any()
    assert set(table["figure"]) == {"respondents", "text_statistics", *load_published()["figures"]}
    assert table["match"].all(), table.loc[~table["match"]].to_string()
    fig1 = table[table["figure"] == "fig1_measure_type"]
    assert (fig1["decimals"] == 1).all()
    assert (table.loc[table["key"].str.endswith(".mean"), "decimals"] == 1).all()


def test_compare_to_published_pins_computed_values_to_plain_counts(df):
    # independent recomputation with plain pandas: share of the answers, NA left out
    table = compare_to_published(df).set_index(["figure", "key"])
    mt = df["measure_type"].dropna()
    assert table.loc[("fig1_measure_type", "ots"), "computed"] == pytest.approx(100 * (mt == "ots").sum() / len(mt))
    g4 = df.loc[df["n_workers"] == 4, "grade"].astype(float)
    assert table.loc[("fig7_grade_by_workers", "4.mean"), "computed"] == pytest.approx(g4.mean())
    resp = df.loc[df["had_gap"] == "ja", "quality_respectful"].dropna()
    assert table.loc[("fig9_worker_qualities_by_gap", "respectvol.gap"), "computed"] == pytest.approx(
        100 * (resp == "ja").sum() / len(resp)
    )
    say = df.loc[df["respondent_type"] == "jeugdige", "say_in_plan"].dropna()
    assert table.loc[("text_statistics", "no_say_in_plan_pct.jeugdige"), "computed"] == pytest.approx(
        100 * (say == "nee").sum() / len(say)
    )
    four = table.loc[("text_statistics", "four_or_more_workers_pct"), "computed"]
    assert four == pytest.approx(100 * 599 / 1523)  # (169+85+345)/1523, YAML comment


def test_compare_to_published_detects_a_changed_figure(df):
    changed = df.copy()
    changed.loc[changed["n_workers"] == 4, "grade"] = 5
    table = compare_to_published(changed).set_index(["figure", "key"])
    assert not table.loc[("fig7_grade_by_workers", "4.mean"), "match"]
    assert table.loc[("fig7_grade_by_workers", "4.mean"), "computed_rounded"] == 5.0
    assert table.loc[("fig7_grade_by_workers", "3.mean"), "match"]
    assert table.loc[("fig1_measure_type", "ots"), "match"]


def test_compare_to_published_at_least_31_needs_31_or_more(df):
    # "ten minste 31 %": 30.8 % rounds to 31 but is not at least 31
    changed = df.copy()
    answered = int(changed["had_gap"].notna().sum())
    ja = changed.index[changed["had_gap"] == "ja"]
    target = int(np.ceil(0.305 * answered))  # share just above 30.5 %
    changed.loc[ja[: len(ja) - target], "had_gap"] = "nee"
    row = compare_to_published(changed).set_index("key").loc["had_period_without_worker_at_least_pct"]
    assert row["computed_rounded"] == 31.0 and row["computed"] < 31
    assert not row["match"]


def test_compare_to_published_suppressed_values_never_match(df):
    table = compare_to_published(df.head(8))  # base below min_cell 10
    pct = table[table["figure"].str.startswith("fig") & ~table["key"].str.endswith(".n")]
    assert pct["computed"].isna().all()
    assert not pct["match"].any()


def test_compare_to_published_rejects_a_figure_it_cannot_compute(df):
    pub = load_published()
    pub["figures"]["fig10_new"] = {"percent": {"ja": 50}}
    with pytest.raises(KeyError, match="fig10_new"):
        compare_to_published(df, published=pub)


def test_compare_to_published_uses_given_published_values(df):
    pub = yaml.safe_load(reference.PUBLISHED_PATH.read_text(encoding="utf-8"))
    pub["figures"]["fig2_explained_at_start"]["percent"]["ja"] = 42
    table = compare_to_published(df, published=pub).set_index(["figure", "key"])
    assert not table.loc[("fig2_explained_at_start", "ja"), "match"]
    assert table.loc[("fig2_explained_at_start", "nee"), "match"]
