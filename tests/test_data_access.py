"""survey_app.dashboard.data_access: scope first, then filters, on real temporary databases."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import contract
from sample_data import generate
from survey_app.dashboard.data_access import (
    Scope,
    apply_filters,
    current_scope,
    filter_options,
    filters_key,
    load_data,
    normalize_filters,
)

ROUND_B = "ronde-b-2026"


@pytest.fixture
def seeded(storage):
    """Two rounds: the demo round (300 synthetic rows) and round B (120 rows, JBG and JBN only)."""
    storage.ensure_demo_round(lambda: generate(n=300, seed=1))
    storage.create_round(name="Ronde B", gis=["JBG", "JBN"], round_id=ROUND_B)
    b = generate(n=400, seed=2, round_id=ROUND_B)
    b = b[b["gi"].isin(["JBG", "JBN"])].head(120).reset_index(drop=True)
    storage.import_responses(b, round_id=ROUND_B)
    return storage


def test_scope_default_is_everything():
    assert current_scope() == Scope()
    assert Scope().is_everything
    assert Scope(gis="JBN").gis == ("JBN",)
    assert not Scope(round_ids=["x"]).is_everything


def test_scope_rejects_empty_values():
    with pytest.raises(ValueError):
        Scope(gis=("JBN", " "))


def test_load_data_everything_without_scope_or_filters(seeded):
    df = load_data(seeded, Scope(), {})
    assert len(df) == 420
    assert list(df.columns) == list(contract.COLUMNS)


def test_load_data_scope_limits_rows(seeded):
    df = load_data(seeded, Scope(gis=("JBN",)), None)
    assert len(df) > 0 and set(df["gi"]) == {"JBN"}
    df = load_data(seeded, Scope(round_ids=(ROUND_B,)), None)
    assert len(df) == 120 and set(df["round_id"]) == {ROUND_B}


def test_load_data_empty_scope_selects_nothing(seeded):
    assert len(load_data(seeded, Scope(gis=()), None)) == 0
    assert len(load_data(seeded, Scope(round_ids=()), None)) == 0


def test_load_data_filter_cannot_widen_scope(seeded):
    # the user may only see JBN; a filter on JBG gives nobody, not JBG's rows
    df = load_data(seeded, Scope(gis=("JBN",)), {"gi": "JBG"})
    assert len(df) == 0


def test_load_data_filters_combine(seeded):
    everything = seeded.load_responses()
    want = everything[
        (everything["round_id"] == contract.DEMO_ROUND_ID)
        & (everything["respondent_type"] == "jeugdige")
        & everything["measure_type"].isin(["ots", "voogdij"])
    ]
    df = load_data(
        seeded,
        Scope(),
        {
            "round_id": [contract.DEMO_ROUND_ID],
            "respondent_type": "jeugdige",
            "measure_type": ["ots", "voogdij"],
            "gi": [],
        },
    )
    assert len(df) == len(want) > 0
    assert sorted(df["response_id"]) == sorted(want["response_id"])


def test_normalize_filters_empty_list_means_no_filter():
    f = normalize_filters({"gi": [], "respondent_type": ["ouder"], "measure_type": None})
    assert f == {"gi": None, "respondent_type": ("ouder",), "round_id": None, "measure_type": None}
    assert list(f) == list(contract.FILTER_COLUMNS)


def test_normalize_filters_rejects_unknown_names_and_codes():
    with pytest.raises(ValueError, match="unknown filter"):
        normalize_filters({"grade": 5})
    with pytest.raises(ValueError, match="unknown code"):
        normalize_filters({"respondent_type": "opa"})


def test_filters_key_is_hashable_and_canonical():
    a = filters_key({"gi": "JBN", "respondent_type": None})
    b = filters_key({"respondent_type": [], "gi": ["JBN"]})
    assert a == b and hash(a) == hash(b)


def test_apply_filters_keeps_contract_columns():
    df = generate(n=50, seed=3)
    out = apply_filters(df, {"respondent_type": "ouder"})
    assert list(out.columns) == list(contract.COLUMNS)
    assert set(out["respondent_type"]) == {"ouder"}
    assert isinstance(out.index, pd.RangeIndex)


def test_filter_options_lists_rounds_and_gis_in_scope(seeded):
    opts = filter_options(seeded, Scope())
    assert set(opts.round_ids) == {contract.DEMO_ROUND_ID, ROUND_B}
    assert opts.gis == tuple(g for g in contract.GI_CODES)
    opts = filter_options(seeded, Scope(gis=("JBN", "WSS"), round_ids=(ROUND_B,)))
    assert opts.round_ids == (ROUND_B,)
    assert opts.gis == ("JBN",)  # WSS is not in round B
