"""analysis.contract: the shared definitions (institution codes, the min_cell floor)."""

import numpy as np
import pytest

from analysis import contract


@pytest.mark.parametrize("code", ["JBRA", "WSS", "GI_A", "jb-west", "x", "9", "A" * 20, "a_-b"])
def test_contract_is_gi_code_accepts_contract_1_1_codes(code):
    assert contract.is_gi_code(code)
    assert contract.GI_RE.fullmatch(code)


@pytest.mark.parametrize("code", ["", "-JB", "_A", "JB RA", "JB.RA", "A" * 21, "jbé", " JB", None, 12])
def test_contract_is_gi_code_refuses_other_codes(code):
    assert not contract.is_gi_code(code)


def test_contract_gi_codes_of_the_five_institutions_are_valid():
    assert all(contract.is_gi_code(g) for g in contract.GI_CODES)


def test_contract_min_cell_floor_is_ten():
    # data contract section 2: "min_cell (default 10, never lower)"
    assert contract.MIN_CELL_FLOOR == 10
    assert contract.DEFAULT_MIN_CELL >= contract.MIN_CELL_FLOOR


@pytest.mark.parametrize("value", [10, 11, 50, np.int64(10)])
def test_contract_check_min_cell_accepts_the_floor_and_above(value):
    assert contract.check_min_cell(value) == int(value)
    assert type(contract.check_min_cell(value)) is int


@pytest.mark.parametrize("value", [9, 5, 1, 0, -1, 10.0, "10", True, None])
def test_contract_check_min_cell_refuses_below_the_floor_and_non_integers(value):
    with pytest.raises(ValueError, match=r"min_cell must be a whole number >= 10"):
        contract.check_min_cell(value)


# --------------------------------------------------------------------------- the floor in the analysis API


def _floor_calls():
    from analysis import (
        compare,
        document,
        figures,
        microdata,
        models,
        protection,
        reference,
        relations,
        report,
        stats,
        views,
    )

    return {
        "stats.distribution": lambda df, m: stats.distribution(df, column="had_gap", min_cell=m),
        "stats.distribution_by_group": lambda df, m: stats.distribution_by_group(
            df, column="say_in_plan", group="had_gap", min_cell=m
        ),
        "stats.mean_by_group": lambda df, m: stats.mean_by_group(df, min_cell=m),
        "stats.pct_by_group": lambda df, m: stats.pct_by_group(
            df, items=contract.QUALITY_ITEMS, group="had_gap", min_cell=m
        ),
        "stats.share": lambda df, m: stats.share(df, column="n_workers", values=[4, 5, 6], min_cell=m),
        "stats.trend_tests": lambda df, m: stats.trend_tests(df, min_cell=m),
        "figures.compute_figures": lambda df, m: figures.compute_figures(df, min_cell=m),
        "report.report_dict": lambda df, m: report.report_dict(df, min_cell=m),
        "reference.compare_to_published": lambda df, m: reference.compare_to_published(df, min_cell=m),
        "compare.compare_groups": lambda df, m: compare.compare_groups(df, by="gi", a="JBN", min_cell=m),
        "relations.crosstab": lambda df, m: relations.crosstab(df, row="had_gap", col="asked_safety", min_cell=m),
        "relations.association": lambda df, m: relations.association(df, x="had_gap", y="grade", min_cell=m),
        "models.ols_grade": lambda df, m: models.ols_grade(df, predictors=["had_gap"], min_cell=m),
        "views.key_numbers": lambda df, m: views.key_numbers(df, min_cell=m),
        "protection.visible_comments": lambda df, m: protection.visible_comments(df, min_cell=m),
        "microdata.k_anonymous_microdata": lambda df, m: microdata.k_anonymous_microdata(df, k=m),
        "views.grade_summary_by_group": lambda df, m: views.grade_summary_by_group(df, group="had_gap", min_cell=m),
        "document.build_report": lambda df, m: document.build_report(df, min_cell=m),
    }


@pytest.fixture(scope="module")
def sample():
    from sample_data.generator import generate

    return generate(300, seed=11)


@pytest.mark.parametrize("name", list(_floor_calls()))
def test_contract_min_cell_floor_holds_in_every_analysis_entry_point(sample, name):
    call = _floor_calls()[name]
    for low in (0, 1, 9):
        with pytest.raises(ValueError, match="min_cell must be a whole number >= 10"):
            call(sample, low)
    call(sample, contract.MIN_CELL_FLOOR)  # the floor itself is allowed
