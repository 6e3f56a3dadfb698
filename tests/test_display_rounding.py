"""One display rounding for the whole project: wording, charts, report markdown and reference agree.

The rule (analysis.reference module docstring, analysis.wording.round_half_up_decimal):
remove float noise below 1e-9, then round half up.  2.25 and 40.95 stored with
float noise (2.2499999999999996, 40.949999999999996) still round to 2.3 and 41.0,
as a printed report shows them.
"""

from __future__ import annotations

import math
from decimal import Decimal

import _chart_helpers as h
import pandas as pd
import pytest

from analysis import charts, reference, report, wording
from analysis.figures import FigureResult

NOISY_2_25 = 2.2499999999999996  # 2.25 less one ulp
NOISY_40_95 = 40.949999999999996  # 40.95 as 0.4095 * 100 gives it
assert NOISY_2_25 != 2.25 and NOISY_40_95 != 40.95


def test_round_half_up_decimal_drops_noise_then_rounds_half_up():
    assert wording.round_half_up_decimal(NOISY_2_25, 1) == Decimal("2.3")
    assert wording.round_half_up_decimal(NOISY_40_95, 1) == Decimal("41.0")
    assert wording.round_half_up_decimal(12.5) == Decimal("13")  # half even would give 12
    assert wording.round_half_up_decimal(-2.5) == Decimal("-3")  # away from zero
    assert wording.round_half_up_decimal(0.0015, 3) == Decimal("0.002")


@pytest.mark.parametrize("value", [NOISY_2_25, NOISY_40_95, 12.5, 37.5, -1.25, 0.9995, 64.32499999999999])
@pytest.mark.parametrize("decimals", [0, 1, 2, 3])
def test_display_rounding_reference_and_wording_agree(value, decimals):
    shown = wording.fmt_number(value, decimals, "en")
    assert float(shown) == reference.round_half_up(value, decimals)


def test_fmt_number_missing_and_minus_options():
    assert wording.fmt_number(-1.25, 1, "nl", minus="\u2212") == "\u22121,3"
    assert wording.fmt_number(-0.04, 1, "nl", minus="\u2212") == "0,0"  # no signed zero
    assert wording.fmt_number(math.nan, missing="\u2013") == "\u2013"
    assert wording.fmt_p(None, "en", missing="\u2013") == "p = \u2013"


def _chart_rows(chart) -> list[dict]:
    spec = chart.to_dict()
    return [r for rows in spec.get("datasets", {}).values() for r in rows]


def test_charts_mean_label_drops_float_noise():
    fig = h.mean_by_group(
        "grade_by_workers",
        {"1": (NOISY_2_25, 1.0, 100), "2": (6.0, 1.0, 100)},
        tests=None,
        title="Cijfer",
        title_en="Grade",
    )
    labels = {r["group"]: r["mean_label"] for r in _chart_rows(charts.figure_chart(fig)) if "mean_label" in r}
    assert labels["1"] == "2,3"
    assert labels["2"] == "6,0"


def test_charts_pct_label_drops_float_noise():
    fig = h.distribution("help_improves", {"ja": 25, "nee": 75}, title="Hulp", title_en="Help")
    fig.table.loc[0, "pct"] = NOISY_40_95
    chart = charts.figure_chart(fig, decimals=1, lang="en")
    ja = [r for r in _chart_rows(chart) if r.get("category") == "ja"]
    assert [r["pct_label"] for r in ja] == ["41.0%"]
    assert ja[0]["tip"].startswith("41.0 percent")


def test_report_markdown_mean_drops_float_noise():
    table = pd.DataFrame(
        {
            "group": ["1"],
            "n": [100],
            "mean": [NOISY_2_25],
            "sd": [1.0],
            "ci_low": [2.05],
            "ci_high": [2.45],
            "suppressed": [False],
            "indicative": [False],
        }
    )
    fig = FigureResult(
        "grade_by_workers",
        "mean_by_group",
        100,
        table,
        title="Cijfer",
        title_en="Grade",
        items=("grade", "n_workers"),
        group_n={"1": 100},
        group_column="n_workers",
    )
    lines = report._figure_markdown(fig, 1, 10)
    row = next(line for line in lines if line.startswith("| 1 |"))
    # 2.05 and 2.45 are not exact in binary either; half up on the printed value gives 2,1 and 2,5
    assert row == "| 1 | 100 | 2,3 | 2,1 - 2,5 |"
