"""Tests of analysis.report: contract section 3 JSON shape, CSV and markdown writers."""

from __future__ import annotations

import csv
import io
import json
import math

import pandas as pd
import pytest
from _helpers_stats import random_frame

from analysis import contract
from analysis.frame import canonical_frame
from analysis.report import (
    CSV_COLUMNS,
    report_csv,
    report_dict,
    report_json,
    report_markdown,
)

# contract 1.1: every row also carries n_below (min_cell for a hidden small group, else null)
ROW_KEYS = {
    "distribution": {"category", "n", "n_below", "pct", "ci_low", "ci_high", "suppressed", "indicative"},
    "distribution_by_group": {
        "group",
        "category",
        "n",
        "n_below",
        "pct",
        "ci_low",
        "ci_high",
        "suppressed",
        "indicative",
    },
    "mean_by_group": {"group", "n", "n_below", "mean", "sd", "ci_low", "ci_high", "suppressed", "indicative"},
    "pct_by_group": {
        "item",
        "group",
        "n",
        "n_below",
        "n_positive",
        "pct",
        "ci_low",
        "ci_high",
        "suppressed",
        "indicative",
    },
    "share": {"item", "category", "n", "n_below", "n_positive", "pct", "ci_low", "ci_high", "suppressed", "indicative"},
}


def _assert_plain(obj, path="$"):
    """Only JSON-native Python types (no numpy, no NaN)."""
    if isinstance(obj, dict):
        for k, v in obj.items():
            assert type(k) is str, path
            _assert_plain(v, f"{path}.{k}")
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            _assert_plain(v, f"{path}[{i}]")
    else:
        assert obj is None or type(obj) in (str, int, float, bool), (path, type(obj))
        if type(obj) is float:
            assert math.isfinite(obj), path


def test_report_dict_has_the_contract_shape():
    d = report_dict(random_frame(1, 500), filters={})
    assert d["contract"] == 1
    assert d["n_respondents"] == 500
    assert list(d["filters"]) == ["gi", "respondent_type", "round_id", "measure_type"]
    assert all(v is None for v in d["filters"].values())
    assert d["min_cell"] == 10 and d["synthetic"] is False
    assert [f["id"] for f in d["figures"]] == list(contract.FIGURE_IDS)
    for f in d["figures"]:
        assert {"id", "kind", "base_n", "rows"} <= set(f)
        # contract 1.1: a hidden figure has base_n null and base_n_below (min_cell when small)
        assert type(f["base_n"]) is int or (f["base_n"] is None and f["base_n_below"] in (None, 10))
        for row in f["rows"]:
            assert set(row) == ROW_KEYS[f["kind"]]
        assert ("tests" in f) == (f["id"] == "grade_by_workers")
    tests = next(f for f in d["figures"] if f["id"] == "grade_by_workers")["tests"]
    assert set(tests["kruskal_wallis"]) == {"statistic", "p_value"}
    assert set(tests["spearman"]) == {"rho", "p_value"}
    assert {"statistic", "p_value"} <= set(tests["jonckheere_terpstra"])
    for f in d["text_statistics"]:
        for row in f["rows"]:
            assert set(row) == ROW_KEYS[f["kind"]]
    _assert_plain(d)
    json.dumps(d, allow_nan=False)


def test_report_dict_applies_and_reports_filters():
    # min_cell 10 (was 5: the contract floor is 10 and lower values are refused)
    df = random_frame(2, 600)
    # the first institution whose youths (or parents) the protected table shows (was JBN's youths;
    # since contract 1.1 a selection can be hidden to protect a smaller one)
    gi, rt = next(
        (g, t)
        for t in ("jeugdige", "ouder")
        for g in contract.GI_CODES
        if report_dict(df, filters={"gi": g, "respondent_type": t})["n_respondents"]
    )
    d = report_dict(df, filters={"gi": gi, "respondent_type": [rt]}, min_cell=10)
    assert d["filters"] == {"gi": gi, "respondent_type": [rt], "round_id": None, "measure_type": None}
    sel = df[(df["gi"] == gi) & (df["respondent_type"] == rt)]
    assert d["n_respondents"] == len(sel)
    assert d["min_cell"] == 10
    mt = next(f for f in d["figures"] if f["id"] == "measure_type")
    # contract 1.1: the base may be hidden too (it would give the hidden empty measure types away)
    assert mt["base_n"] in (None, int(sel["measure_type"].notna().sum()))
    counts = sel["measure_type"].value_counts()
    # contract 1.1: a measure type is a selection of its own; a hidden one has n null (n_below when small)
    for r, c in zip(mt["rows"], contract.CODES["measure_type"]):
        k = int(counts.get(c, 0))
        if r["suppressed"]:
            # a small cell and one hidden to protect it look the same (no n_below that gives bounds)
            assert r["n"] is None and r["n_below"] is None
        else:
            assert r["n"] == k


def test_report_dict_rejects_unknown_filters_and_codes():
    df = random_frame(3, 30)
    with pytest.raises(ValueError, match="unknown filter"):
        report_dict(df, filters={"provincie": "Utrecht"})
    with pytest.raises(ValueError, match="unknown code"):
        report_dict(df, filters={"respondent_type": "kind"})


def test_report_dict_suppressed_values_are_null():
    df = random_frame(4, 400)
    d = report_dict(df, filters={"gi": "WSS"})
    suppressed_rows = [(f, r) for f in d["figures"] for r in f["rows"] if r["suppressed"]]
    assert suppressed_rows
    for f, r in suppressed_rows:
        for key in ("pct", "mean", "sd", "ci_low", "ci_high", "n_positive"):
            if key in r:
                assert r[key] is None, (f["id"], r)
        # contract 1.1: a hidden group's size is null too (n_below = min_cell when it is small)
        assert r["n"] is None or r["n"] == 0, (f["id"], r)
        assert r["n_below"] in (None, 10)


def test_report_json_round_trips_to_report_dict():
    df = random_frame(5, 200)
    text = report_json(df, filters={"measure_type": "ots"})
    assert json.loads(text) == report_dict(df, filters={"measure_type": "ots"})
    assert "NaN" not in text


def test_report_synthetic_data_are_flagged():
    df = random_frame(6, 120, round_id=contract.DEMO_ROUND_ID)
    assert report_dict(df, filters={})["synthetic"] is True
    md = report_markdown(df, filters={})
    assert "Let op: synthetische voorbeelddata, geen echte antwoorden." in md
    real = random_frame(6, 120)
    assert report_dict(real, filters={})["synthetic"] is False
    assert "synthetische" not in report_markdown(real, filters={})


def test_report_csv_is_one_long_table_with_full_precision():
    df = random_frame(7, 300)
    # one institution (was a list of two: lists of several values are refused since contract 1.1)
    d = report_dict(df, filters={"gi": "JBG"})
    text = report_csv(df, filters={"gi": "JBG"})
    rows = list(csv.DictReader(io.StringIO(text)))
    assert tuple(rows[0].keys()) == CSV_COLUMNS
    figs = d["figures"] + d["text_statistics"]
    assert len(rows) == sum(len(f["rows"]) for f in figs)
    i = 0
    for f in figs:
        for r in f["rows"]:
            c = rows[i]
            i += 1
            assert (c["figure_id"], c["kind"]) == (f["id"], f["kind"])
            assert c["item"]
            for key in ("pct", "mean", "ci_low", "ci_high"):
                if key in r:
                    assert (float(c[key]) if c[key] else None) == r[key]
            assert c["n"] == ("" if r["n"] is None else str(r["n"]))
            assert c["suppressed"] == ("true" if r["suppressed"] else "false")
    parsed = pd.read_csv(io.StringIO(text))
    assert list(parsed.columns) == list(CSV_COLUMNS)


def _fixed_frame() -> pd.DataFrame:
    n = 40
    return canonical_frame(
        pd.DataFrame(
            {
                "response_id": [f"r{i}" for i in range(n)],
                "round_id": ["r1"] * n,
                "gi": ["JBN"] * n,
                "respondent_type": ["ouder"] * 36 + ["jeugdige"] * 4,
                "submitted_week": ["2025-W02"] * n,
                # 5 of 40 = 12.5 % -> shown as 13 % (half up)
                "explained_at_start": ["ja"] * 5 + ["nee"] * 35,
                # group "1": 20 grades with mean 6.25 -> 6,3; group "2": 3 respondents -> suppressed;
                # group "3": 7 (suppressed; with the 3 they hide 10 >= min_cell respondents, so no
                # secondary suppression); group "4": 10 shown, so the tests have two shown groups
                "n_workers": [1] * 20 + [2] * 3 + [3] * 7 + [4] * 10,
                "grade": [6, 6, 6, 7] * 5 + [9, 9, 9] + [5] * 7 + [8] * 10,
                "contact_one_on_one": ["nooit"] * n,
            }
        )
    )


def test_report_markdown_rounds_for_display_and_shows_suppression():
    md = report_markdown(_fixed_frame(), filters={})
    assert md.startswith("# ")
    assert "## 2. Is er bij de start uitgelegd wat er ging gebeuren?" in md
    assert "| Ja | 5 | 13% |" in md
    assert "| Nee | 35 | 88% |" in md  # 87.5 -> 88
    assert "| 1 | 20 | 6,3 * |" in md  # indicative: 10 <= n < 30
    # contract 1.1: hidden groups show neither their size nor whether they are small (one text for both)
    hidden = "verborgen (minder dan 10, of ter bescherming van een kleine groep)"
    assert f"| 2 | verborgen | {hidden} |" in md
    # the youth group of contact_one_on_one (n = 4) is one suppressed line without counts
    assert f"| Jeugdigen | (alle antwoorden) | verborgen | {hidden} |" in md
    assert "Kruskal-Wallis" in md
    md20 = report_markdown(_fixed_frame(), filters={}, min_cell=25)
    assert "verborgen (minder dan 25, of ter bescherming van een kleine groep)" in md20
