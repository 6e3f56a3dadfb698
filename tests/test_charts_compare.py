"""analysis.charts_compare: comparison, reference, cross-table, box and coefficient charts."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import charts, charts_compare, views
from analysis.compare import compare_groups, compare_institution
from analysis.models import ols_grade, ordinal_grade
from analysis.reference import compare_to_published
from analysis.relations import crosstab
from sample_data import generate


@pytest.fixture(scope="module")
def demo():
    return generate(n=1523)


def _datasets(chart) -> list[pd.DataFrame]:
    """The chart's data tables that carry labels (not the helper table of the zero line)."""
    spec = chart.to_dict()
    frames = [pd.DataFrame(v) for v in spec.get("datasets", {}).values()]
    return [f for f in frames if "label" in f.columns or "row_label" in f.columns]


def _svg(chart) -> str:
    svg = charts.chart_bytes(chart, "svg").decode("utf-8")
    assert svg.startswith("<svg")
    return svg


def test_comparison_chart_renders_and_hides_suppressed_items(demo):
    jbn = demo[demo["gi"] == "JBN"].head(40).reset_index(drop=True)
    jbn.loc[:32, "asked_safety"] = pd.NA  # 7 answers left: suppressed
    small = pd.concat([jbn, demo[demo["gi"] != "JBN"]], ignore_index=True)
    cmp = compare_institution(small, gi="JBN")
    assert cmp["suppressed"].any() and not cmp["suppressed"].all()
    frame = charts_compare.comparison_frame(cmp, a_label="JBN", b_label="rest")
    hidden = frame[frame["suppressed"]]
    assert hidden["difference"].isna().all() and hidden["ci_low"].isna().all()
    assert (hidden["significant"] == "te weinig respondenten (n < 10)").all()
    chart = charts_compare.comparison_chart(cmp, a_label="JBN", b_label="Alle andere GI's samen")
    svg = _svg(chart)
    assert "Verschil in procentpunten" in svg and "Verschil in rapportcijfer" in svg
    assert "te weinig respondenten" in svg


def test_comparison_chart_rounds_between_rounds(demo):
    b = generate(n=400, seed=5, round_id="r2")
    cmp = compare_groups(pd.concat([demo, b], ignore_index=True), by="round_id", a="r2", b="demo-synthetisch-2025")
    svg = _svg(charts_compare.comparison_chart(cmp, a_label="r2", b_label="2025", lang="en"))
    assert "Difference in percentage points" in svg and "r2 minus 2025" in svg


def test_reference_chart_leaves_out_counts(demo):
    cmp = compare_to_published(demo)
    view = views.reference_view(cmp)
    m = (cmp["figure"] == "fig7_grade_by_workers").to_numpy()
    chart = charts_compare.reference_chart(cmp[m], view[m])
    data = pd.concat(_datasets(chart), ignore_index=True)
    assert not data["label"].str.contains("aantal").any()
    assert set(data["which"]) == {"Gepubliceerd 2025", "Berekend"}
    _svg(chart)
    resp = (cmp["figure"] == "respondents").to_numpy()
    assert charts_compare.reference_chart(cmp[resp], view[resp]) is None


def test_crosstab_heatmap_never_shows_a_hidden_count(demo):
    ct = crosstab(demo.head(200), row="measure_type", col="had_gap")
    assert ct["suppressed"].any()
    chart = charts_compare.crosstab_heatmap(ct, row="measure_type", col="had_gap")
    data = pd.concat(_datasets(chart), ignore_index=True)
    hidden = data[data["suppressed"]]
    assert hidden["pct"].isna().all() and hidden["n"].isna().all()
    assert (hidden["text"] == "verborgen").all()  # hidden for being small or to protect another cell
    _svg(chart)


def test_grade_boxplot_draws_only_groups_with_enough_answers(demo):
    summary = views.grade_summary_by_group(demo.head(120), group="measure_type")
    chart = charts_compare.grade_boxplot(summary, group="measure_type")
    data = pd.concat(_datasets(chart), ignore_index=True)
    shown = data[~data["suppressed"]]
    assert len(shown) and shown["q1"].notna().all()
    assert data.loc[data["suppressed"], ["q1", "median", "q3", "mean"]].isna().all().all()
    assert not {"min", "max"} & set(data.columns)
    _svg(chart)


def test_coefficient_chart_leaves_out_intercept_and_cut_points(demo):
    ols = ols_grade(demo, predictors=["had_gap", "n_workers"])
    data = pd.concat(_datasets(charts_compare.coefficient_chart(ols)), ignore_index=True)
    assert "Constante" not in set(data["label"]) and len(data) == len(ols) - 1
    ordn = ordinal_grade(demo, predictors=["had_gap"])
    chart = charts_compare.coefficient_chart(ordn, lang="en")
    data = pd.concat(_datasets(chart), ignore_index=True)
    assert len(data) == int((ordn["kind"] == "coefficient").sum())
    assert not data["label"].str.startswith("Cut-point").any()
    _svg(chart)
