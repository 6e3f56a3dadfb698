"""Tests of analysis.filters.filter_responses."""

from __future__ import annotations

import pandas as pd
import pytest
from _helpers_stats import random_frame

from analysis.filters import filter_responses


def test_filter_responses_single_value_and_list():
    df = random_frame(3, 200)
    jbn = filter_responses(df, gi="JBN")
    assert len(jbn) == int((df["gi"] == "JBN").sum()) > 0
    assert set(jbn["gi"]) == {"JBN"}
    two = filter_responses(df, gi=["JBN", "WSS"], respondent_type="jeugdige")
    expected = df[df["gi"].isin(["JBN", "WSS"]) & (df["respondent_type"] == "jeugdige")]
    assert list(two["response_id"]) == list(expected["response_id"])
    assert isinstance(two.index, pd.RangeIndex) and list(two.columns) == list(df.columns)


def test_filter_responses_none_keeps_everything_and_empty_never_matches():
    df = random_frame(4, 120)
    assert filter_responses(df).equals(df)
    mt = filter_responses(df, measure_type=("ots", "voogdij"))
    assert len(mt) == int(df["measure_type"].isin(["ots", "voogdij"]).sum())
    assert mt["measure_type"].notna().all()


def test_filter_responses_unknown_code_raises():
    df = random_frame(5, 20)
    with pytest.raises(ValueError, match="respondent_type.*unknown code 'kind'"):
        filter_responses(df, respondent_type="kind")
    with pytest.raises(ValueError, match="measure_type"):
        filter_responses(df, measure_type=["ots", "OTS"])
    with pytest.raises(ValueError, match="empty"):
        filter_responses(df, gi=[])


def test_filter_responses_free_text_round_id():
    df = random_frame(6, 30)
    assert len(filter_responses(df, round_id="ronde-test-2025")) == 30
    assert len(filter_responses(df, round_id="andere-ronde")) == 0
