"""Dashboards select from the one protected table (issue 9): scope first, then one value per filter."""

from __future__ import annotations

import pytest

from analysis import i18n
from analysis.wording import size_text
from survey_app.dashboard.data_access import Scope, scope_for, view_filters


def test_disclosure_dashboard_view_filters_take_the_gi_scope_as_the_institution():
    f = view_filters(scope_for("gi", "JBN"), {})
    assert f == {"gi": "JBN", "respondent_type": None, "round_id": None, "measure_type": None}


def test_disclosure_dashboard_view_filters_outside_the_scope_select_nothing():
    assert view_filters(scope_for("gi", "JBN"), {"gi": ["WSS"]}) is None
    assert view_filters(Scope.nothing(), {}) is None
    assert view_filters(scope_for(None), {}) is None


def test_disclosure_dashboard_view_filters_refuse_several_values():
    with pytest.raises(ValueError, match="one value or all"):
        view_filters(scope_for("inspecteur"), {"gi": ["JBN", "WSS"]})
    assert view_filters(scope_for("inspecteur"), {"gi": ["JBN"]})["gi"] == "JBN"


def test_disclosure_dashboard_hidden_sizes_read_fewer_than_the_minimum():
    assert size_text(None, 10, "nl") == "minder dan 10"
    assert size_text(None, 10, "en") == "fewer than 10"
    assert size_text(None, None, "nl") == i18n.text("disclosure.size_hidden", "nl")
    assert size_text(42, None, "nl") == "42"


def test_disclosure_dashboard_protected_data_is_one_table_at_the_fixed_minimum(tmp_path):
    # issue 9 H1: two thresholds = two suppression patterns; the dashboards get one table per data set
    import inspect

    from analysis import contract
    from sample_data import generate
    from survey_app.dashboard import context, data_access
    from survey_app.storage import Storage

    assert "min_cell" not in inspect.signature(data_access.protected_data).parameters
    assert list(inspect.signature(context._rounds_table).parameters) == ["url", "rounds", "_storage"]
    assert "min_cell" not in inspect.signature(data_access.live_table).parameters
    assert "min_cell" not in inspect.signature(context.Context).parameters  # not settable per page
    s = Storage(f"sqlite:///{tmp_path / 'survey.sqlite'}", secret_key="test-secret-key-0123456789abcdef")
    try:
        s.ensure_demo_round(lambda: generate(n=300, seed=5))
        first, again = data_access.protected_data(s), data_access.protected_data(s)
    finally:
        s.dispose()
    assert first is again  # the same data set gives the same table object
    assert first.min_cell == data_access.MIN_CELL == context.MIN_CELL == contract.DEFAULT_MIN_CELL
