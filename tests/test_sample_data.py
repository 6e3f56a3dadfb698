"""Tests of sample_data.generator: calibration, determinism, scaling, validity, relations.

The published values come from analysis/data/published_2025.yaml (a copy of
shared/reference/inspectie-2025-published-figures.yaml); the comparison itself
is analysis.reference.compare_to_published, whose rounding is tested in
tests/test_reference.py.  Plain-pandas recomputations here are independent of
analysis.stats.
"""

from __future__ import annotations

import datetime as dt
import uuid
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from analysis import contract
from analysis.frame import canonical_frame
from analysis.reference import compare_to_published
from sample_data import generate, write_sample
from sample_data import generator as gen

SHOWN_IF_WORKERS = ("contact_one_on_one", *contract.QUALITY_ITEMS)
NEVER_EMPTY = (*contract.ID_COLUMNS, "measure_type", "n_workers", "grade")
PARTICIPATION = {
    "opinion_asked": {"altijd": 3, "vaak": 2, "soms": 1, "nee": 0},
    "involved_in_decisions": {"altijd": 2, "soms": 1, "nee": 0},
    "asked_life_domains": {"ja": 2, "een_beetje": 1, "nee": 0},
    "asked_safety": {"ja": 2, "een_beetje": 1, "nee": 0},
    "explained_at_start": {"ja": 2, "een_beetje": 1, "nee": 0},
}


@pytest.fixture(scope="module")
def df() -> pd.DataFrame:
    return generate()


@pytest.fixture(scope="module")
def big() -> pd.DataFrame:
    return generate(15230, seed=7)


def _pct(s: pd.Series, value) -> float:
    s = s.dropna()
    return 100 * float((s == value).sum()) / len(s)


def _assert_valid(frame: pd.DataFrame) -> None:
    assert tuple(frame.columns) == contract.COLUMNS
    for col, codes in contract.CODES.items():
        assert set(frame[col].dropna()) <= set(codes), col
    for col, (lo, hi) in contract.INT_RANGES.items():
        assert frame[col].dropna().between(lo, hi).all(), col
    for col in NEVER_EMPTY:
        assert frame[col].notna().all(), col
    assert set(frame["gi"]) <= set(contract.GI_CODES)
    assert frame["response_id"].is_unique
    for week in frame["submitted_week"].unique():
        year, w = str(week).split("-W")
        dt.date.fromisocalendar(int(year), int(w), 1)  # raises on an invalid ISO week
        assert len(w) == 2
    shown = frame["n_workers"] >= 1
    for col in SHOWN_IF_WORKERS:
        assert frame.loc[~shown, col].isna().all(), col


# --------------------------------------------------------------------------- calibration


def test_generate_default_reproduces_every_published_figure(df):
    table = compare_to_published(df)
    assert len(table) == 62  # every number in published_2025.yaml, see test_reference
    assert table["match"].all(), table.loc[~table["match"]].to_string()


def test_generate_default_counts_are_exact(df):
    # published_2025.yaml: respondents and fig7 aantal_respondenten
    assert df["respondent_type"].value_counts().to_dict() == {"ouder": 1151, "jeugdige": 372}
    counts = df["n_workers"].value_counts().sort_index().tolist()
    assert counts == [25, 320, 345, 234, 169, 85, 345]


def test_generate_default_quality_items_by_gap_match_printed_values(df):
    # fig9 (published) plus the three plausible extra qualities (generator.QUALITY_JA)
    for item, (no_gap, gap) in gen.QUALITY_JA.items():
        assert round(_pct(df.loc[df["had_gap"] == "nee", item], "ja")) == no_gap, item
        assert round(_pct(df.loc[df["had_gap"] == "ja", item], "ja")) == gap, item
        assert no_gap > gap


def test_generate_default_text_statistics_plain_pandas(df):
    # text_statistics of published_2025.yaml, recomputed without analysis.stats
    gap = _pct(df["had_gap"], "ja")
    assert 31 <= gap < 31.5
    assert round(_pct(df["say_in_plan"], "nee")) == 43
    assert round(_pct(df.loc[df["respondent_type"] == "jeugdige", "say_in_plan"], "nee")) == 28
    assert round(_pct(df.loc[df["had_gap"] == "ja", "say_in_plan"], "nee")) == 55
    assert round(_pct(df["say_in_plan"], "geen_plan_bekend")) == 16
    assert round(100 * (df["n_workers"] >= 4).mean()) == 39
    assert round(100 * (df["n_workers"] == 6).mean(), 1) == 22.7


# --------------------------------------------------------------------------- frame


def test_generate_returns_canonical_frame(df):
    pd.testing.assert_frame_equal(df, canonical_frame(df))
    assert str(df["grade"].dtype) == "Int64" and str(df["n_workers"].dtype) == "Int64"
    _assert_valid(df)


def test_generate_marks_everything_synthetic(df):
    assert (df["round_id"] == contract.DEMO_ROUND_ID).all()
    assert (generate(20, round_id="demo-x")["round_id"] == "demo-x").all()


def test_generate_passes_contract_validation(df):
    validation = pytest.importorskip("analysis.validation")
    _, report = validation.validate_frame(df)
    assert report.ok, report


def test_generate_response_ids_are_unique_random_uuid4(df):
    ids = df["response_id"].tolist()
    assert len(set(ids)) == len(ids)
    for s in ids:
        u = uuid.UUID(s)
        assert u.version == 4 and u.variant == uuid.RFC_4122 and str(u) == s
    assert ids != sorted(ids)
    ints = np.array([uuid.UUID(s).int >> 64 for s in ids[:200]], dtype=np.float64)
    assert not (np.diff(ints) > 0).all()  # not sequential


def test_uuid4_strings_equal_uuid_module_with_version_4():
    rng = np.random.default_rng(1)
    got = gen._uuid4_strings(rng, 50)
    raw = np.random.default_rng(1).integers(0, 256, size=(50, 16), dtype=np.uint8)
    want = [str(uuid.UUID(int=int.from_bytes(row.tobytes(), "big"), version=4)) for row in raw]
    assert got.to_pylist() == want


def test_generate_institutions_unequal_and_weeks_in_fieldwork(df):
    sizes = df["gi"].value_counts()
    assert set(sizes.index) == set(contract.GI_CODES)
    assert sizes.nunique() == len(sizes)
    weeks = gen._iso_weeks(*gen.FIELDWORK)
    assert weeks[0] == "2024-W36" and weeks[-1] == "2025-W10" and len(weeks) == 27
    assert set(df["submitted_week"]) <= set(weeks)
    assert df["submitted_week"].nunique() > 20
    wss = df.loc[df["gi"] == "WSS", "submitted_week"]
    assert (wss >= "2025-W02").all()  # WSS fieldwork was delayed (published note_wss)


def test_generate_comments_are_few_dutch_and_free_of_numbers(df):
    has = df["comment_grade"].notna() | df["comment_improve"].notna()
    assert 0.02 <= has.mean() <= 0.04
    texts = pd.concat([df["comment_grade"].dropna(), df["comment_improve"].dropna()])
    assert not texts.str.contains(r"[0-9@]", regex=True).any()
    low = df.loc[df["grade"] <= 4, "comment_grade"].dropna()
    assert set(low) <= set(gen.COMMENTS_GRADE["low"])


# --------------------------------------------------------------------------- missing answers


def test_generate_leaves_about_two_percent_of_optional_items_empty(df):
    shown = df["n_workers"] >= 1
    rates = {}
    for col in gen.OPTIONAL_ITEMS:
        base = df.loc[shown, col] if col in SHOWN_IF_WORKERS else df[col]
        rates[col] = base.isna().mean()
    assert all(0.01 <= r <= 0.03 for r in rates.values()), rates
    assert 0.015 <= np.mean(list(rates.values())) <= 0.025


def test_generate_respects_show_if_of_the_questionnaire(df):
    from analysis.questionnaire import load_questionnaire

    q = load_questionnaire()
    zero = df[df["n_workers"] == 0]
    assert len(zero) == 25
    for item in q.items:
        if item.show_if is not None:
            assert item.id in SHOWN_IF_WORKERS
            assert zero[item.id].isna().all(), item.id
    assert df.loc[df["n_workers"] >= 1, "quality_respectful"].notna().mean() > 0.95


# --------------------------------------------------------------------------- determinism


def test_generate_same_seed_gives_identical_frame():
    pd.testing.assert_frame_equal(generate(300, seed=5), generate(300, seed=5))


def test_generate_other_seed_gives_other_ids_and_rows():
    a, b = generate(300, seed=5), generate(300, seed=6)
    assert not set(a["response_id"]) & set(b["response_id"])
    assert not a.drop(columns="response_id").equals(b.drop(columns="response_id"))


# --------------------------------------------------------------------------- scaling


def test_generate_scaled_keeps_every_published_share(big):
    table = compare_to_published(big)
    counts = table["key"].str.endswith(".n") | (table["figure"] == "respondents")
    assert table.loc[~counts, "match"].all(), table.loc[~counts & ~table["match"]].to_string()
    assert (table.loc[counts, "computed"] == 10 * table.loc[counts, "published"]).all()
    _assert_valid(big)


@pytest.mark.parametrize("n", [0, 1, 7, 50])
def test_generate_small_n_is_valid(n):
    frame = generate(n, seed=3)
    assert len(frame) == n
    _assert_valid(frame)


def test_generate_negative_n_raises():
    with pytest.raises(ValueError):
        generate(-1)


def test_quota_sums_and_hits_printed_rounding():
    for m in (50, 997, 1487, 15000):
        c = gen._printed_quota(m, (37, 24, 40), 0)  # fig8: sums to 101
        assert c.sum() == m
        if m >= 997:
            assert [round(100 * Fraction(int(k), m)) for k in c] == [37, 24, 40]
    assert gen._quota(10, (1, 1, 1)).tolist() == [4, 3, 3]


def test_grade_list_hits_printed_mean():
    for c, mean in ((25, 2.9), (169, 2.3), (85, 4.5), (3450, 6.2), (3, 4.0)):
        g = gen._grade_list(c, mean)
        assert len(g) == c and g.min() >= 1 and g.max() <= 10
        assert float(Fraction(int(g.sum()), c)) == pytest.approx(mean, abs=0.05)


# --------------------------------------------------------------------------- relations


def test_generate_grade_lower_with_gap(df):
    means = df.groupby("had_gap")["grade"].mean()
    assert means["ja"] < means["nee"] - 0.5
    for g in range(1, 7):  # also within each worker group
        sub = df[df["n_workers"] == g]
        assert sub.loc[sub["had_gap"] == "ja", "grade"].mean() < sub.loc[sub["had_gap"] == "nee", "grade"].mean()


def test_generate_more_workers_more_gap_and_lower_grade(df):
    assert _pct(df.loc[df["n_workers"] >= 4, "had_gap"], "ja") > _pct(
        df.loc[df["n_workers"].between(1, 2), "had_gap"], "ja"
    )
    rho, p = sps.spearmanr(df["n_workers"].astype(float), df["grade"].astype(float))
    assert rho < -0.1 and p < 0.001


def test_generate_participation_items_go_together(df):
    scores = pd.DataFrame({c: df[c].map(m).astype("Float64") for c, m in PARTICIPATION.items()})
    corr = scores.astype(float).corr(method="spearman")
    off = corr.to_numpy()[~np.eye(len(corr), dtype=bool)]
    assert (off > 0.2).all(), corr


def test_generate_experience_links_grade_help_and_qualities(df):
    assert (
        df.loc[df["help_improves"] == "ja", "grade"].mean() > df.loc[df["help_improves"] == "nee", "grade"].mean() + 1
    )
    for item in contract.QUALITY_ITEMS:
        assert df.loc[df[item] == "ja", "grade"].mean() > df.loc[df[item] == "nee", "grade"].mean() + 1


# --------------------------------------------------------------------------- writing


def test_write_sample_csv_round_trips(tmp_path):
    path = write_sample(tmp_path / "demo.csv", n=120, seed=9)
    back = canonical_frame(pd.read_csv(path, dtype=str, keep_default_na=False))
    pd.testing.assert_frame_equal(back, generate(120, seed=9))
    assert path.read_text(encoding="utf-8").splitlines()[0] == ",".join(contract.COLUMNS)


@pytest.mark.parametrize("ext", ["xlsx", "parquet"])
def test_write_sample_other_formats_through_analysis_io(tmp_path, ext):
    io = pytest.importorskip("analysis.io")
    path = write_sample(tmp_path / f"demo.{ext}", n=60, seed=9)
    back, report = io.read_responses(path) if ext != "parquet" else (canonical_frame(pd.read_parquet(path)), None)
    if report is not None:
        assert report.ok, report
    pd.testing.assert_frame_equal(canonical_frame(back), generate(60, seed=9))
